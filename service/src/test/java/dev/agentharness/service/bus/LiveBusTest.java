package dev.agentharness.service.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.PendingChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.UlidGenerator;
import dev.agentharness.service.Interest;
import dev.agentharness.service.LiveListener;
import dev.agentharness.service.Subscription;
import dev.agentharness.store.SqliteStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveBusTest {
    @TempDir
    Path dir;
    SqliteStores stores;
    LiveBus bus;
    String id;

    @BeforeEach
    void open() {
        Clock clock = Clock.systemUTC();
        stores = SqliteStores.open(dir.resolve("harness.db"), clock, new UlidGenerator(clock), 3);
        bus = new LiveBus(stores.outputs());
        id = stores.sessions().claimSlot(SessionSpec.of(List.of("true"), "/")).id();
    }

    @AfterEach
    void close() {
        bus.close();
        stores.close();
    }

    private void commit(int from, int to) {
        List<PendingChunk> chunks = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            chunks.add(new PendingChunk(id, StreamType.STDOUT, Instant.now(), ("line " + i + "\n").getBytes(StandardCharsets.UTF_8)));
        }
        stores.outputs().appendBatch(chunks);
    }

    /** Records what a listener hears, in order: "seq" for output, "status" for a change. */
    private static final class Recorder implements LiveListener {
        final LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();

        @Override
        public void output(OutputChunk chunk) {
            heard.add(String.valueOf(chunk.seq()));
        }

        @Override
        public void changed(Session session) {
            heard.add(session.status().wireName());
        }

        List<String> take(int n) throws InterruptedException {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String s = heard.poll(10, TimeUnit.SECONDS);
                if (s == null) {
                    break;
                }
                out.add(s);
            }
            return out;
        }
    }

    private static List<String> seqs(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(String.valueOf(i));
        }
        return out;
    }

    @Test
    void aSubscriberFromACursorHearsEveryLaterChunkOnceThoughNoticesAreMissedOrRepeated() throws Exception {
        commit(1, 5);
        Recorder r = new Recorder();
        try (Subscription ignored = bus.subscribe(Interest.output(id, 2), r)) {
            assertEquals(seqs(3, 5), r.take(3), "the stored output after the cursor comes first");
            commit(6, 8);
            bus.outputCommitted(id);
            commit(9, 12);          // committed without a notice: a gap the next notice shows
            commit(13, 13);
            bus.outputCommitted(id);
            bus.outputCommitted(id); // a repeated notice publishes nothing twice
            assertEquals(seqs(6, 13), r.take(8));
            assertEquals(null, r.heard.poll(200, TimeUnit.MILLISECONDS), "nothing twice");
        }
    }

    @Test
    void aChangeComesAfterTheOutputCommittedBeforeIt() throws Exception {
        Recorder r = new Recorder();
        try (Subscription ignored = bus.subscribe(Interest.output(id, 0), r)) {
            commit(1, 2);
            // No notice for these: the change itself must not overtake them.
            Session ended = stores.sessions().update(id, s -> s.toBuilder().status(SessionStatus.FAILED).build());
            bus.changed(ended);
            assertEquals(List.of("1", "2", "failed"), r.take(3));
        }
    }

    @Test
    void everySessionSubscribersHearOnlyWhatTheyAskedFor() throws Exception {
        Recorder changesOnly = new Recorder();
        Recorder everything = new Recorder();
        try (Subscription a = bus.subscribe(Interest.changesOnly(), changesOnly);
             Subscription b = bus.subscribe(Interest.allOutput(), everything)) {
            commit(1, 1);
            bus.outputCommitted(id);
            bus.changed(stores.sessions().get(id).orElseThrow());
            assertEquals(List.of("1", "starting"), everything.take(2));
            assertEquals(List.of("starting"), changesOnly.take(1));
        }
    }

    @Test
    void awaitChangeReturnsTheFirstChangeOfTheNamedSessionsOrNothingWhenTheTimeRunsOut() throws Exception {
        Optional<Session> none = bus.awaitChange(Set.of(id), Duration.ofMillis(100), Optional::empty);
        assertTrue(none.isEmpty());
        Session settled = stores.sessions().get(id).orElseThrow();
        assertEquals(Optional.of(settled), bus.awaitChange(Set.of(id), Duration.ofSeconds(30), () -> Optional.of(settled)),
                "a session that needs no waiting for is answered at once");
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            bus.changed(stores.sessions().update(id, s -> s.toBuilder().status(SessionStatus.RUNNING).build()));
        });
        t.start();
        Optional<Session> changed = bus.awaitChange(Set.of(id), Duration.ofSeconds(30), Optional::empty);
        assertEquals(SessionStatus.RUNNING, changed.orElseThrow().status());
        t.join();
    }

    @Test
    void aClosedSubscriptionHearsNothingMore() throws Exception {
        Recorder r = new Recorder();
        Subscription s = bus.subscribe(Interest.output(id, 0), r);
        s.close();
        commit(1, 3);
        bus.outputCommitted(id);
        assertEquals(null, r.heard.poll(200, TimeUnit.MILLISECONDS));
        assertTrue(waitUntilNoSubscribers(), "the bus let go of it");
    }

    private boolean waitUntilNoSubscribers() throws InterruptedException {
        for (int i = 0; i < 100 && bus.subscriberCount() > 0; i++) {
            Thread.sleep(20);
        }
        return bus.subscriberCount() == 0;
    }

    @Test
    void aSubscriberClosedDuringItsCatchUpDeliversNothingPastTheGap() throws Exception {
        // Regression (SoakTortureIT): the catch-up before a live chunk was cut short by a drop, and
        // the live chunk was delivered anyway; the follower's cursor jumped over what it never got.
        commit(1, 3);
        List<Long> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CompletableFuture<Void> ended = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Void> caughtUp = new java.util.concurrent.CompletableFuture<>();
        Subscriber[] self = new Subscriber[1];
        Subscriber s = new Subscriber(Interest.output(id, 3), new LiveListener() {
            @Override
            public void output(OutputChunk chunk) {
                heard.add(chunk.seq());
                if (chunk.seq() == 4) {
                    self[0].close(); // as a drop does, from another thread, while the store is read
                }
            }

            @Override
            public void changed(Session session) {
                caughtUp.complete(null);
            }
        }, stores.outputs(), x -> ended.complete(null));
        self[0] = s;
        s.start();
        s.offerChange(stores.sessions().get(id).orElseThrow()); // heard once its first catch-up (of nothing) is done
        caughtUp.get(10, TimeUnit.SECONDS);
        commit(4, 8);
        s.offerOutput(stores.outputs().after(id, 7, 1).get(0)); // the live chunk 8, past 4..7 in the store
        ended.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(4L), heard, "the catch-up stopped at 4, so 8 must not follow it");
    }
}
