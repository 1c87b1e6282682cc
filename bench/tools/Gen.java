import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The one output generator every benchmarked system runs: TOTAL bytes of LINE-byte lines, each a
 * zero-padded line number then '\n', written as fast as the pipe takes them. Deterministic, so a
 * capture can be verified byte for byte against {@code Gen TOTAL LINE > file}.
 *
 * <p>Usage: {@code java Gen.java TOTAL_BYTES [LINE_BYTES=100]}
 */
public final class Gen {
    public static void main(String[] args) throws IOException {
        long total = Long.parseLong(args[0]);
        int line = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        byte[] buf = new byte[line];
        try (OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16)) {
            long written = 0;
            for (long n = 0; written < total; n++) {
                long v = n;
                for (int i = line - 2; i >= 0; i--) {
                    buf[i] = (byte) ('0' + (v % 10));
                    v /= 10;
                }
                buf[line - 1] = '\n';
                int len = (int) Math.min(line, total - written);
                out.write(buf, 0, len);
                written += len;
            }
        }
    }
}
