package dev.agentharness.supervisor.internal.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.agentharness.supervisor.internal.capture.Utf8StreamSanitizer.Piece;
import dev.agentharness.supervisor.testing.Utf8Stream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Utf8StreamSanitizerTest {

    @Test
    void aCharacterSplitAcrossReadsComesOutWhole() {
        byte[] bytes = "a€b😀c".getBytes(StandardCharsets.UTF_8); // 1 + 3 + 1 + 4 + 1 bytes
        for (int cut1 = 0; cut1 <= bytes.length; cut1++) {
            for (int cut2 = cut1; cut2 <= bytes.length; cut2++) {
                Utf8StreamSanitizer s = new Utf8StreamSanitizer();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (int[] r : new int[][] {{0, cut1}, {cut1, cut2}, {cut2, bytes.length}}) {
                    Piece p = s.accept(ByteBuffer.wrap(bytes, r[0], r[1] - r[0]));
                    // every piece on its own is whole characters
                    assertEquals(p.length(), new String(p.bytes(), 0, p.length(), StandardCharsets.UTF_8)
                            .getBytes(StandardCharsets.UTF_8).length, "cut at " + cut1 + "/" + cut2);
                    out.write(p.bytes(), 0, p.length());
                }
                Piece end = s.finish();
                out.write(end.bytes(), 0, end.length());
                assertArrayEquals(bytes, out.toByteArray(), "cut at " + cut1 + "/" + cut2);
            }
        }
    }

    @Test
    void wellFormedInputPassesThroughInTheReadsOwnArray() {
        Utf8StreamSanitizer s = new Utf8StreamSanitizer();
        byte[] bytes = "plain ascii, then é and 😀\n".getBytes(StandardCharsets.UTF_8);
        Piece p = s.accept(ByteBuffer.wrap(bytes));
        assertEquals(bytes.length, p.length());
        assertArrayEquals(bytes, Arrays.copyOf(p.bytes(), p.length()));
        assertSame(Piece.EMPTY, s.finish());
    }

    @Test
    void invalidBytesPassThroughExactly() {
        Utf8StreamSanitizer s = new Utf8StreamSanitizer();
        byte[] in = {'o', 'k', (byte) 0xFF, ' ', (byte) 0xC3, '(', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '!'};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Piece p = s.accept(ByteBuffer.wrap(in));
        out.write(p.bytes(), 0, p.length());
        Piece end = s.finish();
        out.write(end.bytes(), 0, end.length());
        assertArrayEquals(in, out.toByteArray());
    }

    @Test
    void anIncompleteCharacterAtEndOfStreamIsKeptAsItIs() {
        Utf8StreamSanitizer s = new Utf8StreamSanitizer();
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        assertEquals("x", text(s.accept(ByteBuffer.wrap(new byte[] {'x', euro[0], euro[1]}))));
        Piece end = s.finish();
        assertArrayEquals(new byte[] {euro[0], euro[1]}, Arrays.copyOf(end.bytes(), end.length()));
    }

    @Test
    void nulBytesAndControlCharactersAreKept() {
        Utf8StreamSanitizer s = new Utf8StreamSanitizer();
        byte[] in = {0, 'a', 0, 0x1B, '[', '0', 'm', 0x7F, 0};
        Piece p = s.accept(ByteBuffer.wrap(in));
        assertArrayEquals(in, Arrays.copyOf(p.bytes(), p.length()));
    }

    @Test
    void consumesTheWholeBuffer() {
        byte[] big = new byte[300_000];
        int n = new Utf8Stream(7).fill(big);
        ByteBuffer in = ByteBuffer.allocateDirect(n).put(ByteBuffer.wrap(big, 0, n)).flip();
        Piece p = new Utf8StreamSanitizer().accept(in);
        assertEquals(0, in.remaining());
        assertArrayEquals(Arrays.copyOf(big, n), Arrays.copyOf(p.bytes(), p.length()));
    }

    @Test
    void validUtf8InRandomPiecesIsReproducedExactly() {
        byte[] data = new byte[2_000_000];
        int n = new Utf8Stream(42).fill(data);
        byte[] out = feedInRandomPieces(Arrays.copyOf(data, n), new SplittableRandom(1));
        assertArrayEquals(Arrays.copyOf(data, n), out);
    }

    /** Issue 16, item 5: whatever the bytes, in whatever pieces, they come out exactly as they went in. */
    @Test
    void randomBytesAreStoredExactly() throws CharacterCodingException {
        SplittableRandom random = new SplittableRandom(5);
        for (int round = 0; round < 2_000; round++) {
            byte[] input = new byte[1 + random.nextInt(200)];
            for (int i = 0; i < input.length; i++) {
                input[i] = nearlyUtf8Byte(random);
            }
            assertArrayEquals(input, feedInRandomPieces(input, random), () -> "input " + Arrays.toString(input));
        }
    }

    /** Every piece but the last is cut where the JDK's streaming decoder would wait, and nothing is changed. */
    @Test
    void everyTwoAndThreeByteSequenceIsKeptExactly() throws CharacterCodingException {
        for (int a = 0x80; a <= 0xFF; a++) {
            for (int b = 0; b <= 0xFF; b += 3) {
                for (int c : new int[] {0x41, 0x80, 0x9F, 0xA0, 0xBF, 0xC0}) {
                    byte[] input = {(byte) a, (byte) b, (byte) c, (byte) 0x80, '.'};
                    Utf8StreamSanitizer whole = new Utf8StreamSanitizer();
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    Piece p = whole.accept(ByteBuffer.wrap(input));
                    out.write(p.bytes(), 0, p.length());
                    Piece end = whole.finish();
                    out.write(end.bytes(), 0, end.length());
                    assertArrayEquals(input, out.toByteArray(), () -> "input " + Arrays.toString(input));
                }
            }
        }
    }

    private static byte[] feedInRandomPieces(byte[] data, SplittableRandom random) {
        Utf8StreamSanitizer s = new Utf8StreamSanitizer();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (pos < data.length) {
            int size = Math.min(data.length - pos, 1 + random.nextInt(random.nextBoolean() ? 8 : 70_000));
            Piece p = s.accept(ByteBuffer.wrap(Arrays.copyOfRange(data, pos, pos + size)).asReadOnlyBuffer());
            out.write(p.bytes(), 0, p.length());
            pos += size;
        }
        Piece end = s.finish();
        out.write(end.bytes(), 0, end.length());
        return out.toByteArray();
    }

    /** Bytes that often make well-formed UTF-8, and often almost. */
    private static byte nearlyUtf8Byte(SplittableRandom random) {
        int[] interesting = {0x41, 0x0A, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xED,
            0xEE, 0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xFF};
        return (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : interesting[random.nextInt(interesting.length)]);
    }

    private static String text(Piece p) {
        return new String(p.bytes(), 0, p.length(), StandardCharsets.UTF_8);
    }
}
