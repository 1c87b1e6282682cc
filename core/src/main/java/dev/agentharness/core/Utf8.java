package dev.agentharness.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Checks on UTF-8 bytes without decoding them: whether they are well-formed (the Unicode standard's
 * table 3-7, which rules out overlong forms, encoded surrogates and code points above U+10FFFF), and
 * how many bytes at the end begin a character not yet complete. One pass that skips eight ASCII
 * bytes at a time.
 */
public final class Utf8 {
    /** Reads eight bytes of an array at once, for the ASCII fast path. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8() {
    }

    /** Whether {@code buf[0, n)} is well-formed UTF-8. */
    public static boolean isWellFormed(byte[] buf, int n) {
        return firstMalformed(buf, n) < 0;
    }

    /** The index of the first byte of {@code buf[0, n)} that is not part of well-formed UTF-8, or -1. */
    public static int firstMalformed(byte[] buf, int n) {
        int i = 0;
        while (i < n) {
            if (i + 8 <= n && ((long) LONGS.get(buf, i) & HIGH_BITS) == 0) {
                i += 8;
                continue;
            }
            int need = sequenceLength(buf, i, n);
            if (need == 0) {
                return i;
            }
            i += need;
        }
        return -1;
    }

    /**
     * The length (1 to 4) of the well-formed character that starts at {@code buf[i]}, reading no
     * further than {@code end}; 0 when none does.
     */
    public static int sequenceLength(byte[] buf, int i, int end) {
        byte b = buf[i];
        if (b >= 0) {
            return 1;
        }
        int need = leadLength(b);
        if (need == 0 || i + need > end) {
            return 0;
        }
        for (int k = 1; k < need; k++) {
            if (!continuationFits(b, k, buf[i + k])) {
                return 0;
            }
        }
        return need;
    }

    /**
     * How many bytes at the end of {@code buf[0, n)} are the beginning of a character that is not
     * complete yet, and that the JDK's streaming decoder would wait on: 0 to 3. Other endings count as
     * 0 and are judged now, so that each read is judged as the JDK would judge the whole stream.
     */
    public static int incompleteTail(byte[] buf, int n) {
        int lead = n - 1;
        while (lead >= 0 && lead > n - 4 && isContinuation(buf[lead])) {
            lead--;
        }
        if (lead < 0) {
            return 0;
        }
        int need = leadLength(buf[lead]);
        int have = n - lead;
        if (need <= have) {
            return 0;
        }
        for (int i = lead + 1; i < n; i++) {
            // The JDK waits on ED followed by any continuation byte (it judges an encoded surrogate
            // once it has all three bytes, as one malformed sequence); everywhere else it waits
            // exactly while the bytes may still become well-formed.
            boolean fits = (buf[lead] & 0xFF) == 0xED ? isContinuation(buf[i]) : continuationFits(buf[lead], i - lead, buf[i]);
            if (!fits) {
                return 0;
            }
        }
        return have;
    }

    /** 2, 3 or 4 for a byte that can start a multi-byte character; 0 for one that cannot. */
    private static int leadLength(byte lead) {
        int b = lead & 0xFF;
        if (b >= 0xC2 && b <= 0xDF) {
            return 2;
        }
        if (b >= 0xE0 && b <= 0xEF) {
            return 3;
        }
        if (b >= 0xF0 && b <= 0xF4) {
            return 4;
        }
        return 0;
    }

    /** Whether {@code b} may be byte {@code index} (1 to 3) of a character starting with {@code lead} (table 3-7). */
    private static boolean continuationFits(byte lead, int index, byte b) {
        int c = b & 0xFF;
        if (index > 1) {
            return c >= 0x80 && c <= 0xBF;
        }
        return switch (lead & 0xFF) {
            case 0xE0 -> c >= 0xA0 && c <= 0xBF;
            case 0xED -> c >= 0x80 && c <= 0x9F;
            case 0xF0 -> c >= 0x90 && c <= 0xBF;
            case 0xF4 -> c >= 0x80 && c <= 0x8F;
            default -> c >= 0x80 && c <= 0xBF;
        };
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }
}
