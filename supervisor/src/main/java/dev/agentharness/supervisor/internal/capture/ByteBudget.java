package dev.agentharness.supervisor.internal.capture;

/**
 * One session's captured-but-not-yet-committed bytes, against a limit. The limit is what bounds the
 * harness's memory: a session whose output arrives faster than SQLite takes it is made to wait (see
 * {@link OutputPump#onBytes}).
 */
public final class ByteBudget {
    private final long limit;
    private final BackpressureGauge gauge;
    private long outstanding;
    private long peak;
    private boolean lifted;

    public ByteBudget(long limit, BackpressureGauge gauge) {
        this.limit = limit;
        this.gauge = gauge;
    }

    public synchronized void add(long bytes) {
        outstanding += bytes;
        peak = Math.max(peak, outstanding);
    }

    /** The writer committed (or gave up on) {@code bytes}. */
    public synchronized void release(long bytes) {
        outstanding -= bytes;
        if (outstanding <= limit) {
            notifyAll();
        }
    }

    /** Waits while more than the limit is outstanding; returns at once otherwise. */
    public synchronized void awaitBelowLimit() throws InterruptedException {
        if (outstanding <= limit || lifted) {
            return;
        }
        gauge.enter();
        try {
            while (outstanding > limit && !lifted) {
                wait();
            }
        } finally {
            gauge.exit();
        }
    }

    /** Never wait again: the writer is gone, waiting would hang the reader forever. */
    public synchronized void lift() {
        lifted = true;
        notifyAll();
    }

    public synchronized long outstanding() {
        return outstanding;
    }

    /** The most that was ever outstanding: at most the limit plus one read. */
    public synchronized long peak() {
        return peak;
    }

    public long limit() {
        return limit;
    }
}
