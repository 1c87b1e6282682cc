package dev.agentharness.supervisor.testing;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * An agent stand-in that writes {@link Utf8Stream} to stdout.
 *
 * <p>Args: seed, total bytes (-1 for endless), a file to receive "sha256hex bytes" at the end (or
 * "-"), and optionally a pause in ms after each 64 KiB (to write slowly). Writes come in awkward
 * sizes (1, 3, 4093, 65535, 65537, 200001...) so that characters straddle pipe reads everywhere.
 */
public final class Utf8WriterMain {
    private static final int[] WRITE_SIZES = {65535, 1, 65537, 3, 4093, 200001, 2, 65536, 7, 131071, 5, 33333};

    public static void main(String[] args) throws Exception {
        long seed = Long.parseLong(args[0]);
        long total = Long.parseLong(args[1]);
        String hashFile = args[2];
        long pauseMs = args.length > 3 ? Long.parseLong(args[3]) : 0;
        Utf8Stream stream = new Utf8Stream(seed);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        byte[] buf = new byte[1 << 20];
        long written = 0;
        int w = 0;
        long sincePause = 0;
        try {
            while (total < 0 || written < total) {
                int n = stream.fill(buf);
                if (total >= 0 && written + n > total) {
                    n = cutAtCharBoundary(buf, (int) (total - written));
                    if (n == 0) {
                        break;
                    }
                }
                int off = 0;
                while (off < n) {
                    int size = Math.min(WRITE_SIZES[w++ % WRITE_SIZES.length], n - off);
                    out.write(buf, off, size);
                    sha.update(buf, off, size);
                    off += size;
                    written += size;
                    sincePause += size;
                    if (pauseMs > 0 && sincePause >= 65536) {
                        sincePause = 0;
                        Thread.sleep(pauseMs);
                    }
                }
            }
            out.flush();
        } catch (IOException pipeGone) {
            System.exit(3);
        }
        if (!"-".equals(hashFile)) {
            Files.write(Paths.get(hashFile), (HexFormat.of().formatHex(sha.digest()) + " " + written + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** The largest length <= max that ends on a character boundary. */
    private static int cutAtCharBoundary(byte[] buf, int max) {
        int n = max;
        while (n > 0 && (buf[n] & 0xC0) == 0x80) {
            n--;
        }
        return n;
    }
}
