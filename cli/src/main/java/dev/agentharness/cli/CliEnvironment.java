package dev.agentharness.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Everything a command takes from the process it runs in: environment, working directory, the three
 * standard streams and the clock. Commands never touch {@code System.*} directly, so they can be run
 * in-process by tests and always write UTF-8 whatever the platform's default charset is.
 */
public final class CliEnvironment {
    private final Map<String, String> env;
    private final Path cwd;
    private final InputStream stdin;
    private final OutputStream stdout;
    private final PrintStream stderr;
    private final Clock clock;
    private PrintWriter out;

    public CliEnvironment(Map<String, String> env, Path cwd, InputStream stdin, OutputStream stdout, PrintStream stderr,
                          Clock clock) {
        this.env = Map.copyOf(env);
        this.cwd = cwd.toAbsolutePath().normalize();
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.clock = clock;
    }

    /** The real process: file descriptors 0, 1 and 2 unbuffered by the JDK's charset-dependent wrappers. */
    public static CliEnvironment system() {
        return new CliEnvironment(System.getenv(), Path.of("").toAbsolutePath(),
                new FileInputStream(FileDescriptor.in),
                new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8),
                Clock.systemUTC());
    }

    public Map<String, String> env() {
        return env;
    }

    public Path cwd() {
        return cwd;
    }

    public InputStream stdin() {
        return stdin;
    }

    /** Raw bytes to standard output (buffered; flushed when the command ends). */
    public OutputStream stdout() {
        return stdout;
    }

    /** Text to standard output, UTF-8, over the same buffer as {@link #stdout()}. */
    public synchronized PrintWriter out() {
        if (out == null) {
            out = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), false);
        }
        return out;
    }

    public PrintStream err() {
        return stderr;
    }

    public Clock clock() {
        return clock;
    }

    /** Pushes everything written so far to the real standard output. */
    public synchronized void flush() {
        if (out != null) {
            out.flush();
        }
        try {
            stdout.flush();
        } catch (java.io.IOException e) {
            // A reader that went away (harness ps | head) is not an error worth reporting.
        }
    }
}
