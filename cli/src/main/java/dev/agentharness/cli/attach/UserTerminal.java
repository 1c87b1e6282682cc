package dev.agentharness.cli.attach;

import dev.agentharness.core.TerminalSize;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The user's own terminal, driven with {@code stty} on {@code /dev/tty}: its size, raw mode, and
 * putting back exactly the settings it had ({@code stty -g}). stty is POSIX and always there, and
 * it works on the controlling terminal whatever the JVM did with its own descriptors; a JNI
 * terminal library would add a native dependency for the same three calls.
 */
public final class UserTerminal {
    private static final File TTY = new File("/dev/tty");

    private final String saved;
    private volatile boolean raw;

    private UserTerminal(String saved) {
        this.saved = saved;
    }

    /**
     * The terminal, when standard input and output both are one (as {@code docker run -it} asks);
     * empty otherwise.
     */
    public static Optional<UserTerminal> open() {
        if (System.console() == null || !TTY.canRead()) {
            return Optional.empty();
        }
        try {
            String state = stty("-g").strip();
            return state.isEmpty() ? Optional.empty() : Optional.of(new UserTerminal(state));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The size now, or the default when the terminal does not say (0 0 on some). */
    public TerminalSize size() {
        try {
            String[] rc = stty("size").strip().split("\\s+");
            int rows = Integer.parseInt(rc[0]);
            int cols = Integer.parseInt(rc[1]);
            if (rows > 0 && cols > 0) {
                return new TerminalSize(Math.min(cols, TerminalSize.MAX), Math.min(rows, TerminalSize.MAX));
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return TerminalSize.DEFAULT;
    }

    /** Raw mode: every byte as typed, no echo, no signals from Ctrl-C or Ctrl-Z (they go to the agent). */
    public void enterRaw() throws IOException {
        stty("raw", "-echo");
        raw = true;
    }

    /** Puts back the settings the terminal had; safe to call again, and from a shutdown hook. */
    public synchronized void restore() {
        if (!raw) {
            return;
        }
        try {
            stty(saved);
            raw = false;
        } catch (IOException e) {
            // Nothing better to do: `stty sane` or `reset` repairs it, and the caller says so.
        }
    }

    private static String stty(String... args) throws IOException {
        String[] argv = new String[args.length + 1];
        argv[0] = "stty";
        System.arraycopy(args, 0, argv, 1, args.length);
        Process p = new ProcessBuilder(argv).redirectInput(TTY).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("stty " + String.join(" ", args) + " failed");
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
