package dev.agentharness.supervisor.internal.capture;

/**
 * The last few characters a session printed (both streams), kept in memory for the checkpoint
 * detector, with a version that changes whenever anything is appended.
 */
public final class OutputTail {
    private final int capacity;
    private final StringBuilder text = new StringBuilder();
    private long version;

    public OutputTail(int capacity) {
        this.capacity = capacity;
    }

    public synchronized void append(String more) {
        if (more.isEmpty()) {
            return;
        }
        if (more.length() >= capacity) {
            text.setLength(0);
            text.append(more, more.length() - capacity, more.length());
        } else {
            text.append(more);
            if (text.length() > capacity) {
                text.delete(0, text.length() - capacity);
            }
        }
        version++;
    }

    /** Forgets the text (an answer was sent: the prompt in it is settled). */
    public synchronized void clear() {
        text.setLength(0);
        version++;
    }

    public synchronized Snapshot snapshot() {
        int start = text.length() > 0 && Character.isLowSurrogate(text.charAt(0)) ? 1 : 0;
        return new Snapshot(text.substring(start), version);
    }

    /** @param version increases with every append; equal versions mean equal text */
    public record Snapshot(String text, long version) {
    }
}
