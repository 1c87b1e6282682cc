package dev.agentharness.supervisor.internal.capture;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes one stream of UTF-8 that arrives in arbitrary pieces. A character split between two
 * reads comes out whole (its leading bytes wait here for the rest); bytes that are not UTF-8 become
 * U+FFFD, never an exception; valid UTF-8 comes out exactly as written. Not thread-safe: one
 * instance per stream, fed by one thread at a time.
 */
public final class Utf8StreamDecoder {
    private static final int CAPACITY = 64 * 1024 + 8;

    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    /** Undecoded bytes: at most the 3 leading bytes of an incomplete character between calls. */
    private final ByteBuffer in = ByteBuffer.allocate(CAPACITY);
    private final CharBuffer out = CharBuffer.allocate(CAPACITY);
    private boolean finished;

    /** Decodes all of {@code bytes} (consuming it), keeping an incomplete trailing character for later. */
    public String decode(ByteBuffer bytes) {
        if (finished) {
            throw new IllegalStateException("stream already finished");
        }
        StringBuilder more = null;
        String first = "";
        while (bytes.hasRemaining()) {
            int n = Math.min(bytes.remaining(), in.remaining());
            ByteBuffer piece = bytes.slice();
            piece.limit(n);
            in.put(piece);
            bytes.position(bytes.position() + n);
            in.flip();
            String text = drain(false);
            in.compact();
            if (more == null && first.isEmpty()) {
                first = text;
            } else {
                if (more == null) {
                    more = new StringBuilder(first);
                }
                more.append(text);
            }
        }
        return more == null ? first : more.toString();
    }

    /** End of stream: whatever incomplete character is left becomes U+FFFD. */
    public String finish() {
        if (finished) {
            return "";
        }
        finished = true;
        in.flip();
        String text = drain(true);
        in.clear();
        return text;
    }

    private String drain(boolean endOfInput) {
        StringBuilder sb = null;
        while (true) {
            out.clear();
            CoderResult result = decoder.decode(in, out, endOfInput);
            if (endOfInput && result.isUnderflow()) {
                result = decoder.flush(out);
            }
            out.flip();
            if (!result.isOverflow()) {
                if (sb == null) {
                    return out.toString();
                }
                return sb.append(out).toString();
            }
            if (sb == null) {
                sb = new StringBuilder();
            }
            sb.append(out);
        }
    }
}
