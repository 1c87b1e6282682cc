package dev.agentharness.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PendingChunkTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void chunksWithTheSameBytesAreEqualThoughTheirArraysDiffer() {
        PendingChunk a = new PendingChunk("s", StreamType.STDOUT, T, "héllo");
        PendingChunk b = new PendingChunk("s", StreamType.STDOUT, T, "héllo".getBytes(StandardCharsets.UTF_8));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new PendingChunk("s", StreamType.STDERR, T, "héllo"));
        assertNotEquals(a, new PendingChunk("s", StreamType.STDOUT, T, "hello"));
    }

    @Test
    void textIsTheUtf8DecodedAndUnpairedSurrogatesBecomeQuestionMarks() {
        PendingChunk c = new PendingChunk("s", StreamType.STDOUT, T, "a\uD800b");
        assertEquals("a?b", c.text());
        assertEquals(3, c.byteLength());
    }
}
