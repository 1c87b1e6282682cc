package dev.agentharness.supervisor.internal.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.agentharness.supervisor.testing.Utf8Stream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Utf8StreamDecoderTest {

    @Test
    void aCharacterSplitAcrossReadsComesOutWhole() {
        byte[] bytes = "a€b😀c".getBytes(StandardCharsets.UTF_8); // 1 + 3 + 1 + 4 + 1 bytes
        for (int cut1 = 0; cut1 <= bytes.length; cut1++) {
            for (int cut2 = cut1; cut2 <= bytes.length; cut2++) {
                Utf8StreamDecoder d = new Utf8StreamDecoder();
                String text = d.decode(ByteBuffer.wrap(bytes, 0, cut1))
                        + d.decode(ByteBuffer.wrap(bytes, cut1, cut2 - cut1))
                        + d.decode(ByteBuffer.wrap(bytes, cut2, bytes.length - cut2))
                        + d.finish();
                assertEquals("a€b😀c", text, "cut at " + cut1 + "/" + cut2);
            }
        }
    }

    @Test
    void noPieceEverEndsInHalfASurrogatePair() {
        byte[] bytes = "😀😀".getBytes(StandardCharsets.UTF_8);
        Utf8StreamDecoder d = new Utf8StreamDecoder();
        for (int i = 0; i < bytes.length; i++) {
            String piece = d.decode(ByteBuffer.wrap(bytes, i, 1));
            assertFalse(!piece.isEmpty() && Character.isHighSurrogate(piece.charAt(piece.length() - 1)), "piece " + i);
        }
    }

    @Test
    void invalidBytesBecomeReplacementCharactersNotExceptions() {
        Utf8StreamDecoder d = new Utf8StreamDecoder();
        String text = d.decode(ByteBuffer.wrap(new byte[] {'o', 'k', (byte) 0xFF, ' ', (byte) 0xC3, '(', (byte) 0xED, (byte) 0xA0,
            (byte) 0x80, '!'})) + d.finish();
        // Java's decoder reports an encoded surrogate (ED A0 80) as one malformed sequence.
        assertEquals("ok\uFFFD \uFFFD(\uFFFD!", text);
    }

    @Test
    void anIncompleteCharacterAtEndOfStreamBecomesOneReplacementCharacter() {
        Utf8StreamDecoder d = new Utf8StreamDecoder();
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        assertEquals("x", d.decode(ByteBuffer.wrap(new byte[] {'x', euro[0], euro[1]})));
        assertEquals("\uFFFD", d.finish());
    }

    @Test
    void consumesTheWholeBufferEvenWhenItIsLargerThanTheInternalOne() {
        byte[] big = new byte[300_000];
        int n = new Utf8Stream(7).fill(big);
        ByteBuffer in = ByteBuffer.wrap(big, 0, n);
        Utf8StreamDecoder d = new Utf8StreamDecoder();
        String text = d.decode(in) + d.finish();
        assertEquals(0, in.remaining());
        assertEquals(new String(big, 0, n, StandardCharsets.UTF_8), text);
    }

    @Test
    void validUtf8InRandomPiecesIsReproducedExactly() {
        byte[] data = new byte[2_000_000];
        int n = new Utf8Stream(42).fill(data);
        SplittableRandom random = new SplittableRandom(1);
        Utf8StreamDecoder d = new Utf8StreamDecoder();
        StringBuilder out = new StringBuilder();
        int pos = 0;
        while (pos < n) {
            int size = Math.min(n - pos, 1 + random.nextInt(random.nextBoolean() ? 8 : 70_000));
            out.append(d.decode(ByteBuffer.wrap(Arrays.copyOfRange(data, pos, pos + size)).asReadOnlyBuffer()));
            pos += size;
        }
        out.append(d.finish());
        assertEquals(new String(data, 0, n, StandardCharsets.UTF_8), out.toString());
    }
}
