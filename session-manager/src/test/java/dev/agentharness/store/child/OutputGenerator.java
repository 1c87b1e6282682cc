package dev.agentharness.store.child;

import java.util.Random;

/** Deterministic agent-like output, so that a parent can recompute what a child wrote. */
public final class OutputGenerator {
    private OutputGenerator() {
    }

    /** About 4 KB of UTF-8: ASCII words, newlines, two- and three-byte chars and emoji. */
    public static String chunk(long i) {
        Random r = new Random(i);
        StringBuilder b = new StringBuilder(4100);
        b.append("chunk ").append(i).append(": ");
        while (b.length() < 4000) {
            int k = r.nextInt(100);
            if (k < 2) {
                b.append('\n');
            } else if (k < 4) {
                b.append('é');
            } else if (k < 5) {
                b.append("😀");
            } else if (k < 6) {
                b.append("日本");
            } else {
                b.append((char) ('a' + r.nextInt(26)));
            }
        }
        return b.toString();
    }
}
