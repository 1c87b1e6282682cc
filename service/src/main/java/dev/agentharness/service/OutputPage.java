package dev.agentharness.service;

import dev.agentharness.core.OutputChunk;
import java.util.List;

/**
 * @param chunks    in seq order, whole chunks only (a chunk is never split)
 * @param nextAfter the cursor to read on from ({@link OutputQuery#after})
 * @param truncated the byte limit cut the page short: more output is stored after {@code nextAfter}
 *                  (for last lines: older lines were left out)
 */
public record OutputPage(List<OutputChunk> chunks, long nextAfter, boolean truncated) {
    public OutputPage {
        chunks = List.copyOf(chunks);
    }

    public long bytes() {
        long n = 0;
        for (OutputChunk c : chunks) {
            n += c.data().length;
        }
        return n;
    }
}
