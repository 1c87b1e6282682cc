package dev.agentharness.daemon;

import sun.misc.Signal;

/**
 * Catches POSIX signals instead of letting the JVM exit on them. The daemon uses this to turn
 * SIGTERM/SIGINT/SIGHUP into an orderly shutdown it controls (rather than racing shutdown hooks),
 * and {@code harness run} to turn Ctrl-C into "detach".
 */
public final class Signals {
    private Signals() {
    }

    /** @return false when the signal cannot be caught on this platform */
    public static boolean on(String name, Runnable handler) {
        try {
            Signal.handle(new Signal(name), s -> handler.run());
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return false;
        }
    }
}
