package dev.agentharness.cli.tail;

import dev.agentharness.core.error.HarnessException;
import dev.agentharness.service.wire.ControlClient;
import dev.agentharness.service.wire.ControlProtocol;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Wakes a follower that reads the store as soon as the daemon pushes anything: a commit of any
 * session's output or a status change ({@code subscribe} to every session, with output).
 *
 * <p>Why a wake-up and not the pushed data itself: the prefixed follower keeps a cursor per session
 * and reads the store after it, so the push only decides <em>when</em> to read. What it reads is the
 * same whether the push came, came late or never came, and without a daemon (or when the daemon
 * goes away) it simply wakes on its own timer again, as the single-session follow falls back to
 * reading the store from its cursor.
 */
final class PushWakeups implements AutoCloseable {
    private final Semaphore pushed = new Semaphore(0);
    private final ControlClient client;
    private volatile boolean live;

    private PushWakeups(ControlClient client) {
        this.client = client;
        this.live = client != null;
    }

    /** Subscribes on {@code socket}; without a daemon (or one too old to push) it never wakes early. */
    static PushWakeups connect(Path socket) {
        Optional<ControlClient> daemon = ControlClient.tryConnect(socket);
        if (daemon.isEmpty()) {
            return new PushWakeups(null);
        }
        ControlClient c = daemon.get();
        try {
            c.call(c.request(ControlProtocol.OP_SUBSCRIBE).put("output", true));
        } catch (HarnessException refused) {
            c.close();
            return new PushWakeups(null);
        }
        PushWakeups w = new PushWakeups(c);
        Thread reader = new Thread(w::read, "harness-tail-push");
        reader.setDaemon(true);
        reader.start();
        return w;
    }

    private void read() {
        try {
            while (true) {
                client.next();
                pushed.release();
            }
        } catch (HarnessException gone) {
            live = false; // closed by us, or the daemon went away: back to the timer
            pushed.release();
        }
    }

    /** Whether pushes still come. */
    boolean live() {
        return live;
    }

    /**
     * Waits until something was pushed since the last wait, or {@code millis} passed.
     *
     * @return whether it was woken by a push
     */
    boolean await(long millis) throws InterruptedException {
        boolean woken = pushed.tryAcquire(millis, TimeUnit.MILLISECONDS);
        pushed.drainPermits(); // one read of the store takes in everything pushed so far
        return woken;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
