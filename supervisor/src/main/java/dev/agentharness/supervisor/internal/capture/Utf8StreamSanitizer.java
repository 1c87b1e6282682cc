package dev.agentharness.supervisor.internal.capture;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Makes one stream of bytes, arriving in arbitrary pieces, into well-formed UTF-8 without decoding
 * it: well-formed input passes through byte for byte; a character split between two reads is held
 * back until it is whole; malformed bytes become U+FFFD exactly as the JDK's decoder replaces them.
 * Not thread-safe: one instance per stream, fed by one thread at a time.
 *
 * <p>Why bytes: the output goes to SQLite as UTF-8, so decoding it to Java strings only to encode it
 * again cost two copies and a pass per byte (the capture benchmark's profile). Checking is one pass
 * that skips eight ASCII bytes at a time; only a read that holds malformed input pays for a decode
 * and re-encode, and that is what keeps the replacements identical to the JDK's.
 */
public final class Utf8StreamSanitizer {
    /** Reads eight bytes of an array at once, for the ASCII fast path. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    /**
     * The well-formed bytes of one read: {@code bytes[0, length)}. The array is new for every piece
     * (the receiver may keep it) and may be longer than {@code length}.
     */
    public record Piece(byte[] bytes, int length) {
        public static final Piece EMPTY = new Piece(new byte[0], 0);
    }

    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    /** The leading bytes of a character the last read cut off: at most three. */
    private final byte[] carry = new byte[3];
    private int carried;
    private boolean finished;

    /** Takes all of {@code in} (consuming it); an incomplete trailing character waits for the next read. */
    public Piece accept(ByteBuffer in) {
        if (finished) {
            throw new IllegalStateException("stream already finished");
        }
        int n = carried + in.remaining();
        if (n == 0) {
            return Piece.EMPTY;
        }
        byte[] buf = new byte[n];
        System.arraycopy(carry, 0, buf, 0, carried);
        in.get(buf, carried, n - carried);
        int complete = n - incompleteTail(buf, n);
        carried = n - complete;
        System.arraycopy(buf, complete, carry, 0, carried);
        if (complete == 0) {
            return Piece.EMPTY;
        }
        return firstMalformed(buf, complete) < 0 ? new Piece(buf, complete) : repair(buf, complete);
    }

    /** End of stream: a character left incomplete becomes U+FFFD, as the JDK's decoder makes it. */
    public Piece finish() {
        if (finished || carried == 0) {
            finished = true;
            return Piece.EMPTY;
        }
        finished = true;
        Piece rest = repair(carry, carried);
        carried = 0;
        return rest;
    }

    /**
     * How many bytes at the end of {@code buf[0, n)} are the beginning of a character that is not
     * complete yet, and that the JDK's streaming decoder would wait on: 0 to 3. Other endings count as
     * 0 and are judged now, so that each read is judged as the JDK would judge the whole stream.
     */
    static int incompleteTail(byte[] buf, int n) {
        int lead = n - 1;
        while (lead >= 0 && lead > n - 4 && isContinuation(buf[lead])) {
            lead--;
        }
        if (lead < 0) {
            return 0;
        }
        int need = sequenceLength(buf[lead]);
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

    /** The index of the first byte of {@code buf[0, n)} that is not part of well-formed UTF-8, or -1. */
    static int firstMalformed(byte[] buf, int n) {
        int i = 0;
        while (i < n) {
            if (i + 8 <= n && ((long) LONGS.get(buf, i) & HIGH_BITS) == 0) {
                i += 8;
                continue;
            }
            byte b = buf[i];
            if (b >= 0) {
                i++;
                continue;
            }
            int need = sequenceLength(b);
            if (need == 0 || i + need > n) {
                return i;
            }
            for (int k = 1; k < need; k++) {
                if (!continuationFits(b, k, buf[i + k])) {
                    return i;
                }
            }
            i += need;
        }
        return -1;
    }

    /** 2, 3 or 4 for a byte that can start a multi-byte character; 0 for one that cannot. */
    private static int sequenceLength(byte lead) {
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

    /**
     * Whether {@code b} may be byte {@code index} (1 to 3) of a character starting with {@code lead}:
     * the Unicode standard's table of well-formed byte sequences (table 3-7), which rules out overlong
     * forms, encoded surrogates and code points above U+10FFFF through the second byte's range.
     */
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

    /** The slow path: decode with replacement, encode again. */
    private Piece repair(byte[] buf, int n) {
        try {
            decoder.reset();
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(buf, 0, n));
            ByteBuffer utf8 = StandardCharsets.UTF_8.newEncoder().encode(chars);
            byte[] out = new byte[utf8.remaining()];
            utf8.get(out);
            return new Piece(out, out.length);
        } catch (CharacterCodingException e) {
            // Cannot happen: the decoder replaces, and what it produces is valid UTF-16.
            throw new IllegalStateException(e);
        }
    }
}
