package dev.agentharness.daemon;

import dev.agentharness.core.ControlChars;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when one of the daemon's threads dies of something nobody caught: the daemon says so
 * in one line and exits at once.
 *
 * <p>Why not carry on: the threads are not interchangeable. When the output writer and NuProcess's
 * reader died of OutOfMemoryError, the daemon went on answering pings with every slot {@code running}
 * for ever, {@code stop} hung and one session was recorded completed without its last output. A
 * daemon that is gone is better: its agents keep running in their own process groups, the lock and
 * the socket go with the process, and the next daemon (started by the next command) reconciles them.
 * It halts rather than exits, because shutdown hooks would wait on the very threads that are broken.
 */
final class FatalThreads implements Thread.UncaughtExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(FatalThreads.class);
    /** The exit status of a daemon that lost a thread (EX_SOFTWARE). */
    static final int EXIT_STATUS = 70;

    private final IntConsumer halt;

    FatalThreads(IntConsumer halt) {
        this.halt = halt;
    }

    /** Makes this process's unhandled thread deaths fatal. */
    static void install() {
        Thread.setDefaultUncaughtExceptionHandler(new FatalThreads(status -> Runtime.getRuntime().halt(status)));
    }

    @Override
    public void uncaughtException(Thread t, Throwable e) {
        try {
            log.error("internal thread {} died ({}); the daemon exits so that the next one can take over its agents",
                    ControlChars.forLog(t.getName()), ControlChars.forLog(String.valueOf(e)));
        } catch (Throwable ignored) {
            // Out of memory, even for the line: exit all the same.
        } finally {
            halt.accept(EXIT_STATUS);
        }
    }
}
