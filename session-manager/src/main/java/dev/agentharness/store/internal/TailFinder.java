package dev.agentharness.store.internal;

/**
 * Finds where the last {@code n} lines of a stream begin, fed its chunks newest first, the way
 * {@code tail -n} counts: a final newline ends the last line rather than starting an empty one,
 * and a last line without a newline is still a line. Only newline positions are looked at, so a
 * caller can feed chunks page by page and stop as soon as {@link #feed} says the start is found.
 */
final class TailFinder {
    private final int n;
    private int newlines;
    private boolean seenLastChar;
    private boolean found;
    private long startSeq;
    private int startOffset;

    TailFinder(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("line count must not be negative");
        }
        this.n = n;
    }

    /**
     * Feeds the next older chunk.
     *
     * @return true once the start of the last {@code n} lines is known; feed nothing more then
     */
    boolean feed(long seq, byte[] text) {
        if (found) {
            return true;
        }
        if (n == 0) {
            startSeq = seq;
            startOffset = text.length;
            found = true;
            return true;
        }
        for (int i = text.length - 1; i >= 0; i--) {
            byte c = text[i]; // a newline byte is never part of a multi-byte character
            if (!seenLastChar) {
                seenLastChar = true;
                if (c == '\n') {
                    continue; // terminates the last line
                }
            }
            if (c == '\n' && ++newlines == n) {
                startSeq = seq;
                startOffset = i + 1;
                found = true;
                return true;
            }
        }
        // Fewer than n lines so far: everything fed belongs to them.
        startSeq = seq;
        startOffset = 0;
        return false;
    }

    /** The seq of the chunk in which the lines start. */
    long startSeq() {
        return startSeq;
    }

    /** Where in that chunk's bytes they start. */
    int startOffset() {
        return startOffset;
    }
}
