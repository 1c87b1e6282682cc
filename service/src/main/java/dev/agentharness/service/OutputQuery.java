package dev.agentharness.service;

import java.time.Instant;

/**
 * Which output to read. Exactly one of the three ways: after a cursor ({@code afterSeq}), the last
 * {@code lastLines} lines, or everything since a time. {@code maxBytes} bounds the page; a page cut
 * short says so and gives the cursor to continue from.
 */
public record OutputQuery(Long afterSeq, Integer lastLines, Instant since, int maxBytes) {
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;

    public OutputQuery {
        int ways = (afterSeq != null ? 1 : 0) + (lastLines != null ? 1 : 0) + (since != null ? 1 : 0);
        if (ways != 1) {
            throw new IllegalArgumentException("give exactly one of: a cursor, a number of last lines, a time");
        }
        if (afterSeq != null && afterSeq < 0) {
            throw new IllegalArgumentException("a cursor is 0 or more");
        }
        if (lastLines != null && lastLines < 1) {
            throw new IllegalArgumentException("the number of lines is 1 or more");
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("the byte limit is 1 or more");
        }
    }

    public static OutputQuery after(long seq, int maxBytes) {
        return new OutputQuery(seq, null, null, maxBytes);
    }

    public static OutputQuery lastLines(int n, int maxBytes) {
        return new OutputQuery(null, n, null, maxBytes);
    }

    public static OutputQuery since(Instant since, int maxBytes) {
        return new OutputQuery(null, null, since, maxBytes);
    }
}
