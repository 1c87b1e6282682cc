package dev.agentharness.cli.torture;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The agent of the bad-output cases: writes a fixed byte sequence in fixed pieces, with pauses
 * between them so that each piece is a read of its own. {@code bigline}: 10 MB without a newline.
 * {@code nasty}: NUL bytes and invalid UTF-8 on stdout and stderr, cut inside characters and inside
 * invalid sequences, ending in half a character. Only the JDK.
 */
public final class Emitter {
    static final int BIG_LINE_BYTES = 10_000_000;

    private Emitter() {
    }

    /** 10,000,000 bytes of one line: ASCII and multi-byte characters, no newline. */
    static byte[] bigLine() {
        String[] alphabet = {"a", "b", "z", "0", " ", "é", "ж", "€", "中", "😀", "\t", "\r", "\u001b[1m"};
        SplittableRandom r = new SplittableRandom(42);
        ByteArrayOutputStream out = new ByteArrayOutputStream(BIG_LINE_BYTES + 8);
        while (out.size() < BIG_LINE_BYTES - 8) {
            out.writeBytes(alphabet[r.nextInt(alphabet.length)].getBytes(StandardCharsets.UTF_8));
        }
        while (out.size() < BIG_LINE_BYTES) {
            out.write('x');
        }
        return out.toByteArray();
    }

    /** The pieces written to stdout (index 0) or stderr (index 1) in nasty mode, in order. */
    static List<byte[]> nastyPieces(int stream) {
        List<byte[]> p = new ArrayList<>();
        if (stream == 0) {
            p.add(bytes("nul:", 0, "in the middle", 0, 0, "\n"));
            p.add(bytes("bad byte:", 0xFF, " lone continuation:", 0x80, " overlong slash:", 0xC0, 0xAF, "\n"));
            p.add(bytes("surrogate:", 0xED, 0xA0, 0x80, " beyond U+10FFFF:", 0xF4, 0x90, 0x80, 0x80, " five bytes:", 0xF8, 0x88, 0x80, 0x80, 0x80,
                    "\n"));
            p.add(bytes("split euro:", 0xE2)); // a valid character cut across reads
            p.add(bytes(0x82));
            p.add(bytes(0xAC, " split emoji:", 0xF0, 0x9F));
            p.add(bytes(0x98, 0x80, " cut then ascii:", 0xE2, 0x82));
            p.add(bytes("A cut across reads then ascii:", 0xE2));
            p.add(bytes("B\n", 0xC3, 0x28, " end in half a character:", 0xF0, 0x9F, 0x98));
        } else {
            p.add(bytes("err", 0, "nul then bad", 0xFE, 0xFF, "\n"));
            p.add(bytes("split two-byte:", 0xC3));
            p.add(bytes(0xA4, 0, 0, 0, "\n"));
        }
        return p;
    }

    static byte[] nasty(int stream) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        nastyPieces(stream).forEach(out::writeBytes);
        return out.toByteArray();
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object o : parts) {
            if (o instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            } else {
                out.write((Integer) o);
            }
        }
        return out.toByteArray();
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        FileOutputStream stdout = new FileOutputStream(FileDescriptor.out);
        FileOutputStream stderr = new FileOutputStream(FileDescriptor.err);
        if (args[0].equals("bigline")) {
            byte[] line = bigLine();
            SplittableRandom sizes = new SplittableRandom(7);
            for (int off = 0; off < line.length; ) {
                int n = Math.min(line.length - off, sizes.nextInt(1, 200_000));
                stdout.write(line, off, n);
                off += n;
            }
        } else {
            List<byte[]> out = nastyPieces(0);
            List<byte[]> err = nastyPieces(1);
            for (int i = 0; i < Math.max(out.size(), err.size()); i++) {
                if (i < out.size()) {
                    stdout.write(out.get(i));
                }
                if (i < err.size()) {
                    stderr.write(err.get(i));
                }
                Thread.sleep(60); // each piece its own read
            }
        }
    }
}
