package dev.agentharness.cli.tail;

import dev.agentharness.supervisor.testing.Fakes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.error.NoSuchSessionException;
import dev.agentharness.core.store.OutputStore;
import dev.agentharness.core.store.SessionStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OutputFollowerTest {
    private static final String ID = "01JAAAAAAAAAAAAAAAAAAAAAAA";

    /** A session whose output arrives one chunk per poll, and which ends (row first, chunks later) at the end. */
    private static final class Producer {
        final List<OutputChunk> stored = new ArrayList<>();
        final List<OutputChunk> toCome = new ArrayList<>();
        final AtomicReference<Session> row;
        boolean deleted;

        Producer(List<String> texts, List<StreamType> streams) {
            for (int i = 0; i < texts.size(); i++) {
                toCome.add(new OutputChunk(ID, i + 1, streams.get(i), Instant.EPOCH, texts.get(i)));
            }
            row = new AtomicReference<>(Session.starting(ID, SessionSpec.of(List.of("x"), "/"), 1, Instant.EPOCH).toBuilder()
                    .status(SessionStatus.RUNNING).build());
        }

        void tick() {
            if (toCome.size() == 2) {
                // The row says ended and counts every chunk before the last two are visible.
                row.set(row.get().toBuilder().status(SessionStatus.COMPLETED).exitCode(0)
                        .outputChunks(stored.size() + toCome.size()).build());
            }
            if (!toCome.isEmpty()) {
                stored.add(toCome.remove(0));
            }
        }

        OutputStore outputs() {
            return Fakes.of(OutputStore.class, Map.of("after", a -> {
                long after = (Long) a[1];
                int limit = (Integer) a[2];
                return stored.stream().filter(c -> c.seq() > after).limit(limit).toList();
            }));
        }

        SessionStore sessions() {
            return Fakes.of(SessionStore.class, Map.of("get", a -> deleted ? Optional.empty() : Optional.of(row.get())));
        }
    }

    @Test
    void printsEveryChunkOnceAndDrainsAfterTheEnd() throws Exception {
        List<String> texts = List.of("a", "b\n", "ü", "no newline", "tail1", "tail2");
        Producer p = new Producer(texts, List.of(StreamType.STDOUT, StreamType.STDERR, StreamType.STDOUT, StreamType.STDOUT,
                StreamType.STDOUT, StreamType.STDOUT));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Session ended = new OutputFollower(p.outputs(), p.sessions(), d -> p.tick())
                .follow(ID, 0, EnumSet.allOf(StreamType.class), ChunkSink.to(out));
        assertEquals(String.join("", texts), out.toString(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(SessionStatus.COMPLETED, ended.status());
    }

    @Test
    void startsAfterTheCursorAndFiltersStreams() throws Exception {
        Producer p = new Producer(List.of("1", "2", "e", "3"),
                List.of(StreamType.STDOUT, StreamType.STDOUT, StreamType.STDERR, StreamType.STDOUT));
        p.tick();
        p.tick();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        new OutputFollower(p.outputs(), p.sessions(), d -> p.tick()).follow(ID, 1, EnumSet.of(StreamType.STDOUT), ChunkSink.to(out));
        assertEquals("23", out.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void purgedSessionEndsTheFollow() {
        Producer p = new Producer(List.of("1"), List.of(StreamType.STDOUT));
        p.deleted = true;
        assertThrows(NoSuchSessionException.class, () -> new OutputFollower(p.outputs(), p.sessions(), d -> { })
                .follow(ID, 0, EnumSet.allOf(StreamType.class), ChunkSink.to(new java.io.ByteArrayOutputStream())));
    }
}
