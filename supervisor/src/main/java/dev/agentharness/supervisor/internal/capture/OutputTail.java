package dev.agentharness.supervisor.internal.capture;

import java.nio.charset.StandardCharsets;

/**
 * The last bytes a session printed (both streams), kept in memory for the checkpoint detector, with
 * a version that changes whenever anything is appended. It keeps the well-formed UTF-8 that capture
 * produces and decodes only when asked: appends come with every read, snapshots only when the
 * watchdog looks.
 */
public final class OutputTail {
    private final byte[] bytes;
    private int length;
    private long version;

    /** @param capacity how many of the newest bytes to keep */
    public OutputTail(int capacity) {
        this.bytes = new byte[capacity];
    }

    /** Appends {@code more[offset, offset + count)}, forgetting the oldest bytes beyond the capacity. */
    public synchronized void append(byte[] more, int offset, int count) {
        if (count == 0) {
            return;
        }
        int capacity = bytes.length;
        if (count >= capacity) {
            System.arraycopy(more, offset + count - capacity, bytes, 0, capacity);
            length = capacity;
        } else {
            int keep = Math.min(length, capacity - count);
            System.arraycopy(bytes, length - keep, bytes, 0, keep);
            System.arraycopy(more, offset, bytes, keep, count);
            length = keep + count;
        }
        version++;
    }

    /** Forgets the text (an answer was sent: the prompt in it is settled). */
    public synchronized void clear() {
        length = 0;
        version++;
    }

    /** The text, starting at the first whole character (the oldest kept byte may be mid-character). */
    public synchronized Snapshot snapshot() {
        int start = 0;
        while (start < length && (bytes[start] & 0xC0) == 0x80) {
            start++;
        }
        return new Snapshot(new String(bytes, start, length - start, StandardCharsets.UTF_8), version);
    }

    /** @param version increases with every append; equal versions mean equal text */
    public record Snapshot(String text, long version) {
    }
}
