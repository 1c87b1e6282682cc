package dev.agentharness.supervisor.internal.process;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices the moment the agent's main process exits, without reaping it.
 *
 * <p>Why not NuProcess's {@code onExit}: NuProcess only looks for the exit after both output pipes
 * have closed, so a grandchild that inherited them ({@code sh -c 'sleep 60 & echo hi'}) would keep
 * the session "running" for as long as it lives; and it reports 127 as Integer.MIN_VALUE and a
 * signal death as the bare signal number. Why not polling {@code /proc/PID/stat} for state Z: that
 * costs a wake-up per session every few milliseconds for promptness and still does not say how it
 * ended. So one small thread per live agent blocks in {@code waitid(P_PID, pid, WEXITED|WNOWAIT)}:
 * it returns the instant the process becomes a zombie, with the exact code or signal, and WNOWAIT
 * leaves the zombie for NuProcess to reap as usual.
 *
 * <p>If NuProcess reaps first (a process that exits at once: both pipes close and NuProcess's
 * thread wins the race), {@code waitid} fails with ECHILD. To keep the status exact in that case too,
 * {@link #poll(int)} is called from the pipe-closed callback, which NuProcess runs before it reaps;
 * only if both miss does the inexact NuProcess code ({@link #reaped(int)}) decide.
 */
public final class ExitWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(ExitWatcher.class);
    private static final int SIGINFO_SIZE = 128;
    private static final int SI_PID_OFFSET = 16;
    private static final int SI_CODE_OFFSET = 8;
    private static final int SI_STATUS_OFFSET = 24;

    private final LibC libc;
    private final CompletableFuture<ExitStatus> exited = new CompletableFuture<>();

    public ExitWatcher(LibC libc) {
        this.libc = libc;
    }

    /** Completes once, with the first status seen by any of the three paths. */
    public CompletableFuture<ExitStatus> exited() {
        return exited;
    }

    /** Starts the blocking watch on its own thread. */
    public void watch(int pid, ThreadFactory threads) {
        Thread t = threads.newThread(() -> block(pid));
        t.setName("harness-exit-" + pid);
        t.setDaemon(true);
        t.start();
    }

    /** A non-blocking look: completes {@link #exited()} if the process is already a zombie. */
    public void poll(int pid) {
        if (pid > 0 && !exited.isDone()) {
            waitOnce(pid, LibC.WEXITED | LibC.WNOWAIT | LibC.WNOHANG);
        }
    }

    /** NuProcess reaped the process and reported {@code nuCode}; used only if nothing better was seen. */
    public void reaped(int nuCode) {
        exited.complete(ExitStatus.fromNuProcess(nuCode));
    }

    private void block(int pid) {
        while (!exited.isDone()) {
            if (waitOnce(pid, LibC.WEXITED | LibC.WNOWAIT) != Outcome.INTERRUPTED) {
                return;
            }
        }
    }

    private enum Outcome { SEEN, NOT_YET, GONE, INTERRUPTED }

    private Outcome waitOnce(int pid, int options) {
        try (Memory info = new Memory(SIGINFO_SIZE)) {
            info.clear();
            libc.waitid(LibC.P_PID, pid, info, options);
            if (info.getInt(SI_PID_OFFSET) == 0) {
                return Outcome.NOT_YET; // WNOHANG and still running
            }
            exited.complete(ExitStatus.fromSiginfo(info.getInt(SI_CODE_OFFSET), info.getInt(SI_STATUS_OFFSET)));
            return Outcome.SEEN;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EINTR) {
                return Outcome.INTERRUPTED;
            }
            if (e.getErrorCode() != LibC.ECHILD) {
                LOG.warn("waitid({}) failed: errno {}", pid, e.getErrorCode());
            }
            // ECHILD: already reaped by NuProcess; its onExit will report through reaped().
            return Outcome.GONE;
        }
    }
}
