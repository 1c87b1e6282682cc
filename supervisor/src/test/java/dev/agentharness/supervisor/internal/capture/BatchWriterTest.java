package dev.agentharness.supervisor.internal.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.UlidGenerator;
import dev.agentharness.core.error.DiskFullException;
import dev.agentharness.core.store.OutputStore;
import dev.agentharness.store.SqliteStores;
import dev.agentharness.supervisor.SupervisorConfig;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchWriterTest {
    @TempDir
    Path dir;
    SqliteStores stores;
    BatchWriter writer;

    @BeforeEach
    void open() {
        Clock clock = Clock.systemUTC();
        stores = SqliteStores.open(dir.resolve("harness.db"), clock, new UlidGenerator(clock), 3);
        SupervisorConfig d = SupervisorConfig.defaults();
        // A long window: everything below lands in one batch unless a flush cuts it short.
        writer = new BatchWriter(stores.outputs(), new SupervisorConfig(d.stopGrace(), d.stallTimeout(), false, d.checkpointQuiet(),
                d.checkpointPatterns(), Duration.ofSeconds(5), d.batchMaxBytes(), d.sessionBufferBytes(), d.orphanGrace(),
                d.restartBackoffInitial(), d.restartBackoffMax(), d.restartResetAfter()));
    }

    @AfterEach
    void close() {
        writer.close();
        stores.close();
    }

    @Test
    void consecutiveReadsOfOneStreamAreCoalescedWithoutReordering() throws Exception {
        String a = session();
        String b = session();
        ByteBudget budget = new ByteBudget(1 << 20, new BackpressureGauge());
        // Queued before the writer runs: the first commit (at once, after the quiet spell) takes them all.
        for (int i = 0; i < 100; i++) {
            enqueue(a, StreamType.STDOUT, "a" + i + ",", budget);
            enqueue(b, StreamType.STDOUT, "b", budget);
        }
        enqueue(a, StreamType.STDERR, "E", budget);
        enqueue(a, StreamType.STDOUT, "tail", budget);
        writer.start();
        writer.flush().get(30, TimeUnit.SECONDS);

        List<OutputChunk> chunks = stores.outputs().after(a, 0, 100);
        assertEquals(List.of(StreamType.STDOUT, StreamType.STDERR, StreamType.STDOUT), chunks.stream().map(OutputChunk::stream).toList());
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            expected.append('a').append(i).append(',');
        }
        assertEquals(expected.toString(), chunks.get(0).text());
        assertEquals("E", chunks.get(1).text());
        assertEquals("tail", chunks.get(2).text());
        assertEquals(List.of(1L, 2L, 3L), chunks.stream().map(OutputChunk::seq).toList());
        assertEquals("b".repeat(100), stores.outputs().after(b, 0, 100).get(0).text());
        assertEquals(0, budget.outstanding(), "everything committed is released");
    }

    @Test
    void aReaderOverItsBudgetWaitsUntilTheWriterHasCommitted() throws Exception {
        String a = session();
        BackpressureGauge gauge = new BackpressureGauge();
        ByteBudget budget = new ByteBudget(10, gauge);
        enqueue(a, StreamType.STDOUT, "x".repeat(25), budget);
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            try {
                budget.awaitBelowLimit();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        Thread.sleep(300);
        assertFalse(reader.isDone(), "the writer has not started: the reader must wait");
        assertEquals(1, gauge.waitingNow());
        writer.start();
        writer.flush();
        reader.get(30, TimeUnit.SECONDS);
        assertEquals(0, gauge.waitingNow());
        assertEquals("x".repeat(25), stores.outputs().after(a, 0, 10).get(0).text());
    }

    @Test
    void afterCloseTextIsRefusedAndNoReaderIsLeftWaiting() throws Exception {
        String a = session();
        writer.start();
        writer.close();
        ByteBudget budget = new ByteBudget(1, new BackpressureGauge());
        assertFalse(enqueue(a, StreamType.STDOUT, "late", budget));
        assertEquals(0, budget.outstanding());
        assertTrue(writer.flush().isDone());
    }

    @Test
    void aCoalescedChunkStopsGrowingAtTheLimitAndKeepsEveryByte() throws Exception {
        String a = session();
        ByteBudget budget = new ByteBudget(1 << 30, new BackpressureGauge());
        String piece = "é€😀x".repeat(1000); // 10 bytes per repeat, 10,000 per read
        for (int i = 0; i < 20; i++) {
            enqueue(a, StreamType.STDOUT, piece, budget);
        }
        writer.start();
        writer.flush().get(30, TimeUnit.SECONDS);

        List<OutputChunk> chunks = stores.outputs().after(a, 0, 100);
        assertEquals(List.of(60_000, 60_000, 60_000, 20_000),
                chunks.stream().map(c -> c.text().getBytes(StandardCharsets.UTF_8).length).toList());
        assertEquals(piece.repeat(20), String.join("", chunks.stream().map(OutputChunk::text).toList()));
        assertEquals(200_000, stores.outputs().size(a).bytes());
    }

    /**
     * A full disk is the one failure that cannot be provoked per call here, so the store is wrapped:
     * its first appends fail as SQLite's SQLITE_FULL does. The writer used to give up after six
     * retries (about 3 s) and drop the batch; now it waits as long as the disk stays full.
     */
    @Test
    void aFullDiskIsWaitedOutAndNothingIsDropped() throws Exception {
        String a = session();
        AtomicInteger failuresLeft = new AtomicInteger(8); // the old writer tried 7 times, then once more alone
        OutputStore real = stores.outputs();
        OutputStore fullDisk = (OutputStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {OutputStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("appendBatch") && failuresLeft.getAndDecrement() > 0) {
                        throw new DiskFullException("cannot write the database: disk full", null);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        BatchWriter patient = new BatchWriter(fullDisk, SupervisorConfig.defaults());
        try {
            ByteBudget budget = new ByteBudget(1 << 20, new BackpressureGauge());
            byte[] utf8 = "kept while the disk was full\n".getBytes(StandardCharsets.UTF_8);
            assertTrue(patient.enqueue(a, StreamType.STDOUT, utf8, utf8.length, utf8.length, Instant.now(), budget));
            patient.start();
            patient.flush().get(60, TimeUnit.SECONDS);
            assertTrue(failuresLeft.get() < 0, "every failure was met");
            assertEquals("kept while the disk was full\n", stores.outputs().after(a, 0, 10).get(0).text());
            assertEquals(0, budget.outstanding());
        } finally {
            patient.close();
        }
    }

    /**
     * Issue 15's follow target: a line that comes after a quiet spell is committed and told at once,
     * not after the grouping window (here a minute, so that only the policy can pass this).
     */
    @Test
    void outputAfterAQuietSpellIsCommittedAndToldWithoutWaitingForTheWindow() throws Exception {
        String a = session();
        SupervisorConfig d = SupervisorConfig.defaults();
        java.util.concurrent.LinkedBlockingQueue<java.util.Set<String>> told = new java.util.concurrent.LinkedBlockingQueue<>();
        BatchWriter prompt = new BatchWriter(stores.outputs(), new SupervisorConfig(d.stopGrace(), d.stallTimeout(), false,
                d.checkpointQuiet(), d.checkpointPatterns(), Duration.ofMinutes(1), d.batchMaxBytes(), d.sessionBufferBytes(),
                d.orphanGrace(), d.restartBackoffInitial(), d.restartBackoffMax(), d.restartResetAfter()), told::add);
        try {
            prompt.start();
            ByteBudget budget = new ByteBudget(1 << 20, new BackpressureGauge());
            byte[] utf8 = "one line\n".getBytes(StandardCharsets.UTF_8);
            assertTrue(prompt.enqueue(a, StreamType.STDOUT, utf8, utf8.length, utf8.length, Instant.now(), budget));
            assertEquals(java.util.Set.of(a), told.poll(20, TimeUnit.SECONDS), "told of the commit");
            assertEquals("one line\n", stores.outputs().after(a, 0, 10).get(0).text(), "committed before it was told");
        } finally {
            prompt.close();
        }
    }

    private boolean enqueue(String session, StreamType stream, String text, ByteBudget budget) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return writer.enqueue(session, stream, utf8, utf8.length, utf8.length, Instant.now(), budget);
    }

    private String session() {
        Session s = stores.sessions().claimSlot(SessionSpec.of(List.of("agent"), dir.toString()));
        return s.id();
    }
}
