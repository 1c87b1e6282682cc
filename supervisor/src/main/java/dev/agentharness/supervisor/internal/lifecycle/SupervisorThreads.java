package dev.agentharness.supervisor.internal.lifecycle;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The supervisor's threads, named so that a thread dump explains itself: a small timer (watchdog
 * ticks, SIGKILL after a grace, restart backoff), a pool for work that may block on the database or
 * on a flush (ending sessions, starting queued ones), and the factory for exit watchers. All are
 * daemon threads; {@link #shutdown()} ends them.
 */
@Singleton
public final class SupervisorThreads {
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService work;
    private final ThreadFactory exitWatchers;

    @Inject
    public SupervisorThreads() {
        this.timer = new ScheduledThreadPoolExecutor(2, named("harness-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.work = Executors.newCachedThreadPool(named("harness-lifecycle"));
        this.exitWatchers = named("harness-exit");
    }

    public ScheduledExecutorService timer() {
        return timer;
    }

    public ExecutorService work() {
        return work;
    }

    public ThreadFactory exitWatchers() {
        return exitWatchers;
    }

    public void shutdown() {
        timer.shutdownNow();
        work.shutdown();
        try {
            if (!work.awaitTermination(5, TimeUnit.SECONDS)) {
                work.shutdownNow();
            }
        } catch (InterruptedException e) {
            work.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
