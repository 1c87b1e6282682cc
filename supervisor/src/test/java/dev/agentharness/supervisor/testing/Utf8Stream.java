package dev.agentharness.supervisor.testing;

import java.util.SplittableRandom;

/**
 * Deterministic pseudo-random valid UTF-8: mostly ASCII with newlines, plus 2-, 3- and 4-byte
 * characters (no surrogates, no U+FFFD), so that multi-byte characters land on every kind of read
 * boundary. The same seed always yields the same bytes.
 */
public final class Utf8Stream {
    private final SplittableRandom random;

    public Utf8Stream(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Fills {@code buf} with whole characters; returns how many bytes it used (at most buf.length). */
    public int fill(byte[] buf) {
        int i = 0;
        while (i + 4 <= buf.length) {
            int kind = random.nextInt(100);
            int cp;
            if (kind < 55) {
                cp = 0x20 + random.nextInt(0x5F);
            } else if (kind < 60) {
                cp = '\n';
            } else if (kind < 72) {
                cp = 0x80 + random.nextInt(0x800 - 0x80);
            } else if (kind < 88) {
                do {
                    cp = 0x800 + random.nextInt(0x10000 - 0x800);
                } while ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFD);
            } else {
                cp = 0x10000 + random.nextInt(0x110000 - 0x10000);
            }
            i += encode(cp, buf, i);
        }
        return i;
    }

    private static int encode(int cp, byte[] b, int i) {
        if (cp < 0x80) {
            b[i] = (byte) cp;
            return 1;
        }
        if (cp < 0x800) {
            b[i] = (byte) (0xC0 | (cp >> 6));
            b[i + 1] = (byte) (0x80 | (cp & 0x3F));
            return 2;
        }
        if (cp < 0x10000) {
            b[i] = (byte) (0xE0 | (cp >> 12));
            b[i + 1] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            b[i + 2] = (byte) (0x80 | (cp & 0x3F));
            return 3;
        }
        b[i] = (byte) (0xF0 | (cp >> 18));
        b[i + 1] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        b[i + 2] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        b[i + 3] = (byte) (0x80 | (cp & 0x3F));
        return 4;
    }
}
