package dev.agentharness.cli.torture;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The agent of the torture tests: writes a deterministic pseudo-random UTF-8 stream (numbered lines
 * of ASCII, two-, three- and four-byte characters), so that the test can regenerate exactly what it
 * wrote from the seed alone. Writes are of random sizes and split characters anywhere, so the
 * harness's decoder sees sequences cut across reads.
 *
 * <pre>
 * Generator SEED BYTES_PER_SECOND SECONDS COUNT_FILE MODE
 *   BYTES_PER_SECOND  0 = as fast as the pipe takes it
 *   SECONDS           0 = forever
 *   COUNT_FILE        where to write "stdoutBytes stderrBytes" at the end, or - for nowhere
 *   MODE              comma-separated: child (start a `sleep` in the agent's process group),
 *                     linger (on a broken pipe, stop writing but stay alive), stderr (also write the
 *                     stream of SEED+1 to stderr), exitN (end with exit code N)
 * </pre>
 *
 * Only the JDK: it runs from the test classes directory with nothing else on the class path.
 */
public final class Generator {
    private static final String[] ALPHABET = {
        "a", "b", "c", "x", "y", "z", "A", "Q", "0", "7", " ", " ", "-", "_", ".", ",", "\t", "'", "\"", "\\", "{", "}",
        "é", "ß", "ж", "Ω", "ñ", "ü", // two bytes
        "€", "中", "文", "✓", "→", "ｱ", // three bytes
        "😀", "𝄞", "🚀", "🦀", // four bytes
    };
    private static final int POOL = 1024;
    /** The largest single write. */
    private static final int MAX_PIECE = 16384;
    /** The longest line, in bytes: its head (seed and line number) and up to 159 characters of four bytes. */
    private static final int MAX_LINE_BYTES = 64 + 160 * 4;

    private Generator() {
    }

    /** The stream of one seed: line after line, each {@code seed:lineNo text\n}. */
    static final class Stream {
        private final long seed;
        private final byte[][] pool;
        private final SplittableRandom pick;
        private long line;
        private byte[] current = new byte[0];
        private int pos;

        Stream(long seed) {
            this.seed = seed;
            SplittableRandom r = new SplittableRandom(seed);
            pool = new byte[POOL][];
            for (int i = 0; i < POOL; i++) {
                StringBuilder b = new StringBuilder();
                int n = r.nextInt(0, 160);
                for (int j = 0; j < n; j++) {
                    b.append(ALPHABET[r.nextInt(ALPHABET.length)]);
                }
                pool[i] = b.toString().getBytes(StandardCharsets.UTF_8);
            }
            pick = r.split();
        }

        /** Bytes left of the current line: writing them ends the stream at a character boundary. */
        int restOfLine() {
            return current.length - pos;
        }

        /** Fills {@code buf[off, off+len)} with the next bytes of the stream. */
        void next(byte[] buf, int off, int len) {
            while (len > 0) {
                if (pos == current.length) {
                    byte[] head = (seed + ":" + line++ + " ").getBytes(StandardCharsets.US_ASCII);
                    byte[] body = pool[pick.nextInt(POOL)];
                    current = new byte[head.length + body.length + 1];
                    System.arraycopy(head, 0, current, 0, head.length);
                    System.arraycopy(body, 0, current, head.length, body.length);
                    current[current.length - 1] = '\n';
                    pos = 0;
                }
                int n = Math.min(len, current.length - pos);
                System.arraycopy(current, pos, buf, off, n);
                pos += n;
                off += n;
                len -= n;
            }
        }
    }

    /**
     * The most an agent of these arguments writes in all (both streams together): what its rate
     * allows in its seconds, the one write that may go past that, and the line each stream completes
     * at the end. However long its writes are held back (a full pipe), it never writes more: once they
     * go through again it catches up with its rate, not beyond. Unbounded at full rate or forever.
     */
    static long maxBytes(long bytesPerSecond, long seconds) {
        if (bytesPerSecond <= 0 || seconds <= 0) {
            return Long.MAX_VALUE;
        }
        return Math.multiplyExact(bytesPerSecond, seconds) + MAX_PIECE + 2L * MAX_LINE_BYTES + 1;
    }

    /** The first {@code length} bytes of the stream of {@code seed}. */
    static byte[] expected(long seed, int length) {
        byte[] b = new byte[length];
        new Stream(seed).next(b, 0, length);
        return b;
    }

    /** The SHA-256 of the first {@code length} bytes of the stream of {@code seed}, in constant memory. */
    static byte[] expectedSha256(long seed, long length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            Stream s = new Stream(seed);
            byte[] buf = new byte[1 << 16];
            long left = length;
            while (left > 0) {
                int n = (int) Math.min(buf.length, left);
                s.next(buf, 0, n);
                md.update(buf, 0, n);
                left -= n;
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** One output stream of the agent: its bytes, its writes of random sizes, its count. */
    private static final class Writer {
        final OutputStream out;
        final Stream stream;
        final SplittableRandom sizes;
        final byte[] buf = new byte[MAX_PIECE];
        long written;
        boolean broken;

        Writer(OutputStream out, long seed) {
            this.out = out;
            this.stream = new Stream(seed);
            this.sizes = new SplittableRandom(~seed);
        }

        /** Writes one piece of 1..16384 bytes (mostly small); false once the pipe is broken. */
        int writeOne() {
            int n = sizes.nextInt(4) == 0 ? sizes.nextInt(1, buf.length + 1) : sizes.nextInt(1, 512);
            stream.next(buf, 0, n);
            try {
                out.write(buf, 0, n);
                written += n;
                return n;
            } catch (IOException e) {
                broken = true;
                return 0;
            }
        }

        /** Completes the current line, so that a clean end never cuts a character in two. */
        void finishLine() throws IOException {
            int n = stream.restOfLine();
            stream.next(buf, 0, n);
            out.write(buf, 0, n);
            written += n;
        }
    }

    public static void main(String[] args) throws Exception {
        long seed = Long.parseLong(args[0]);
        long rate = Long.parseLong(args[1]);
        long seconds = Long.parseLong(args[2]);
        String countFile = args[3];
        String mode = args.length > 4 ? args[4] : "";
        boolean child = mode.contains("child");
        boolean linger = mode.contains("linger");
        boolean stderr = mode.contains("stderr");

        if (child) {
            // A member of the agent's process group that never writes: it only goes away if the whole group is ended.
            new ProcessBuilder("sleep", "3600").redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        }
        Writer out = new Writer(new FileOutputStream(FileDescriptor.out), seed);
        Writer err = stderr ? new Writer(new FileOutputStream(FileDescriptor.err), seed + 1) : null;
        SplittableRandom which = new SplittableRandom(seed * 31);
        long start = System.nanoTime();
        long end = seconds <= 0 ? Long.MAX_VALUE : start + TimeUnit.SECONDS.toNanos(seconds);
        long total = 0;
        while (System.nanoTime() < end) {
            Writer w = err != null && which.nextInt(4) == 0 ? err : out;
            total += w.writeOne();
            if (out.broken || (err != null && err.broken)) {
                if (linger) {
                    Thread.sleep(TimeUnit.SECONDS.toMillis(3600));
                }
                System.exit(3);
            }
            if (rate > 0) {
                long due = start + total * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
        }
        out.finishLine();
        if (err != null) {
            err.finishLine();
        }
        if (!"-".equals(countFile)) {
            Path tmp = Path.of(countFile + ".tmp");
            Files.writeString(tmp, out.written + " " + (err == null ? 0 : err.written) + "\n");
            Files.move(tmp, Path.of(countFile), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        for (String token : mode.split(",")) {
            if (token.startsWith("exit")) {
                System.out.flush();
                System.exit(Integer.parseInt(token.substring(4)));
            }
        }
    }
}
