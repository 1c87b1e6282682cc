package dev.agentharness.service.wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Newline-delimited UTF-8 lines over a blocking {@link SocketChannel}, with a bound on line length.
 * Reads and writes go straight to the channel (not through {@code Channels.newInputStream}, whose
 * streams share one lock and would block a write behind a pending read).
 *
 * <p>One thread reads; {@link #pollClosed()} lets that same thread check, without blocking, whether
 * the peer has gone while it waits for something else.
 */
public final class LineChannel implements AutoCloseable {
    private final SocketChannel channel;
    private final int maxLineBytes;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(16 * 1024);
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private boolean eof;
    /** {@link System#nanoTime()} when the first byte of the line being read arrived; 0 between lines. */
    private volatile long lineStartedAt;

    public LineChannel(SocketChannel channel, int maxLineBytes) {
        this.channel = channel;
        this.maxLineBytes = maxLineBytes;
        readBuffer.flip();
    }

    /** Thrown when a line exceeds the bound; {@link #skipRestOfLine()} gets past it. */
    public static final class LineTooLongException extends IOException {
        public LineTooLongException(int max) {
            super("line longer than " + max + " bytes");
        }
    }

    /**
     * @return the next line without its newline, or null at end of stream (a last line without a
     *         newline is dropped: the peer went away in the middle of it)
     */
    public String readLine() throws IOException {
        while (true) {
            while (readBuffer.hasRemaining()) {
                byte b = readBuffer.get();
                if (b == '\n') {
                    String line = pending.toString(StandardCharsets.UTF_8);
                    pending.reset();
                    lineStartedAt = 0;
                    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
                }
                if (pending.size() >= maxLineBytes) {
                    throw new LineTooLongException(maxLineBytes);
                }
                if (pending.size() == 0 && lineStartedAt == 0) {
                    lineStartedAt = nonZeroNow();
                }
                pending.write(b);
            }
            if (eof || fill() < 0) {
                // A line cut off by the peer closing is incomplete, never acted on.
                eof = true;
                pending.reset();
                return null;
            }
        }
    }

    /**
     * Discards the rest of the current line, up to and including its newline, without keeping it:
     * after a {@link LineTooLongException}, so that the peer can finish writing it and read the
     * answer (closing on a peer still writing made its write fail with EPIPE before it could).
     *
     * @return false when the stream ended first
     */
    public boolean skipRestOfLine() throws IOException {
        pending.reset();
        while (true) {
            while (readBuffer.hasRemaining()) {
                if (readBuffer.get() == '\n') {
                    lineStartedAt = 0;
                    return true;
                }
            }
            if (eof || fill() < 0) {
                eof = true;
                return false;
            }
        }
    }

    /**
     * Whether the peer has closed its side, checked without blocking. Bytes that arrive meanwhile
     * are kept for the next {@link #readLine()}.
     */
    public boolean pollClosed() throws IOException {
        if (eof) {
            return true;
        }
        channel.configureBlocking(false);
        try {
            int n = fill();
            if (n < 0) {
                eof = true;
            }
            return eof;
        } finally {
            channel.configureBlocking(true);
        }
    }

    /**
     * When the first byte of the line now being read (or skipped) arrived, as {@link System#nanoTime()};
     * 0 when no line is begun. Safe to call from any thread: the daemon's reaper uses it to close
     * connections that start a request and never finish it.
     */
    public long lineStartedAt() {
        return lineStartedAt;
    }

    private static long nonZeroNow() {
        long now = System.nanoTime();
        return now == 0 ? 1 : now;
    }

    /** Reads more bytes after any unread ones; returns what the channel's read returned. */
    private int fill() throws IOException {
        if (readBuffer.hasRemaining()) {
            // Keep what is unread; append after it.
            readBuffer.compact();
        } else {
            readBuffer.clear();
        }
        try {
            return channel.read(readBuffer);
        } finally {
            readBuffer.flip();
        }
    }

    public void writeLine(String line) throws IOException {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    public SocketChannel channel() {
        return channel;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
