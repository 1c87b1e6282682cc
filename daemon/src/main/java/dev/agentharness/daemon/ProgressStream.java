package dev.agentharness.daemon;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Base64;

/**
 * What a hosted command writes to one of its standard streams, sent to the client as it comes:
 * each write becomes one {@code {"<stream>":BASE64}} line before the answer. Base64 because a
 * command may print bytes that are not text ({@code tail} does).
 *
 * <p>Once the client is gone, further writes are dropped rather than failed one by one: the command
 * still runs to its end, as it would have in a CLI whose terminal closed.
 */
final class ProgressStream extends OutputStream {
    /** One line stays well under what the client reads in one go, whatever a command writes at once. */
    private static final int MAX_PIECE = 48 * 1024;

    private final Waiter waiter;
    private final String stream;
    private boolean gone;

    ProgressStream(Waiter waiter, String stream) {
        this.waiter = waiter;
        this.stream = stream;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        // Both streams of a command share one connection: their lines must not interleave.
        synchronized (waiter) {
            while (len > 0 && !gone) {
                int n = Math.min(len, MAX_PIECE);
                String data = Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(b, off, off + n));
                try {
                    waiter.progress("{\"" + stream + "\":\"" + data + "\"}");
                } catch (IOException e) {
                    gone = true;
                    throw e;
                }
                off += n;
                len -= n;
            }
        }
    }
}
