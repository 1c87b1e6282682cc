package dev.agentharness.supervisor.internal.capture;

import dev.agentharness.core.Utf8;
import java.nio.ByteBuffer;

/**
 * Cuts one stream of bytes, arriving in arbitrary pieces, at character boundaries, without changing
 * a byte: a UTF-8 character split between two reads is held back until it is whole, so that a
 * stream of text is stored as pieces that are each text. Bytes that are not UTF-8 pass through as
 * they are (they are stored exactly, as a BLOB: issue 16 found 53 MB of random bytes stored as 96 MB
 * when they were replaced with U+FFFD). Not thread-safe: one instance per stream, fed by one thread
 * at a time.
 *
 * <p>Why bytes: the output goes to SQLite as it came, so decoding it to Java strings only to encode
 * it again would cost two copies and a pass per byte (the capture benchmark's profile). Only the
 * last three bytes of each read are looked at here; the store checks whether a piece is text.
 */
public final class Utf8StreamSanitizer {
    /**
     * The bytes of one read: {@code bytes[0, length)}. The array is new for every piece (the
     * receiver may keep it) and may be longer than {@code length}.
     */
    public record Piece(byte[] bytes, int length) {
        public static final Piece EMPTY = new Piece(new byte[0], 0);
    }

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
        return complete == 0 ? Piece.EMPTY : new Piece(buf, complete);
    }

    /** End of stream: the bytes of a character left incomplete, as they are. */
    public Piece finish() {
        if (finished || carried == 0) {
            finished = true;
            return Piece.EMPTY;
        }
        finished = true;
        Piece rest = new Piece(java.util.Arrays.copyOf(carry, carried), carried);
        carried = 0;
        return rest;
    }

    /** See {@link Utf8#incompleteTail}. */
    static int incompleteTail(byte[] buf, int n) {
        return Utf8.incompleteTail(buf, n);
    }

    /** See {@link Utf8#firstMalformed}. */
    static int firstMalformed(byte[] buf, int n) {
        return Utf8.firstMalformed(buf, n);
    }
}
