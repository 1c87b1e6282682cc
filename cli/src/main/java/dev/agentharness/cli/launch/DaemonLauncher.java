package dev.agentharness.cli.launch;

import dev.agentharness.supervisor.launch.ThisJvm;

import dev.agentharness.daemon.DaemonPid;

import dev.agentharness.cli.Errors;
import dev.agentharness.service.wire.ControlClient;
import dev.agentharness.core.error.DaemonUnavailableException;
import dev.agentharness.store.HarnessHome;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts a daemon in the background when a command needs one and none answers, as pm2 does:
 * {@code setsid java -cp <this classpath> dev.agentharness.cli.Main --home H daemon}, detached from
 * the terminal (so Ctrl-C in it never reaches the agents), stdin from /dev/null, stdout and stderr
 * appended to {@code daemon.log}. Then waits, bounded, until the socket answers.
 *
 * <p>Two commands racing to start a daemon both may launch one; the loser finds the supervisor
 * lock taken and exits, and both commands connect to the winner.
 */
public final class DaemonLauncher {
    public static final String MAIN_CLASS = "dev.agentharness.cli.Main";
    /** Extra JVM options for a background daemon, split on whitespace. */
    public static final String JAVA_OPTS_ENV = "HARNESS_DAEMON_JAVA_OPTS";
    private static final long POLL_MS = 50;
    /**
     * JVM options of a background daemon, before {@link #JAVA_OPTS_ENV} (which can override them).
     * Without a heap cap the JVM sizes the heap from the machine's RAM and the daemon's RSS grew to
     * 580 MiB on a 24 GiB machine while three agents wrote (docs/BENCHMARKS.md); the capture path
     * bounds its own buffers (supervisor/README.md) to far less than this heap. Half of it is the
     * young generation: output waiting for its commit (up to 8 MiB a session) lives there and dies
     * young, and a bigger eden copies it less often (3-agent capture: 3.15 s against 3.48 s, run
     * for run on a quiet machine).
     */
    static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx96m", "-Xmn48m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");

    private final HarnessHome home;
    private final Duration timeout;
    private final java.util.Map<String, String> env;

    public DaemonLauncher(HarnessHome home, Duration timeout, java.util.Map<String, String> env) {
        this.home = home;
        this.timeout = timeout;
        this.env = env;
    }

    /** A connection to the running daemon, starting one first if none answers. */
    public ControlClient connectOrLaunch() {
        home.ensureExists();
        Optional<ControlClient> existing = ControlClient.tryConnect(home.socket());
        if (existing.isPresent()) {
            return existing.get();
        }
        long logStart = logSize();
        Process process = launch();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ControlClient> client = ControlClient.tryConnect(home.socket());
            if (client.isPresent()) {
                return client.get();
            }
            if (!process.isAlive() && DaemonPid.readAlive(home).isEmpty()) {
                throw new DaemonUnavailableException("the daemon did not start"
                        + failureLine(home.daemonLog(), logStart).map(l -> ": " + l).orElse("")
                        + " (see " + home.daemonLog() + ")");
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DaemonUnavailableException("interrupted while waiting for the daemon to start");
            }
        }
        throw new DaemonUnavailableException("the daemon did not answer within " + timeout.toSeconds() + " s (see "
                + home.daemonLog() + ")");
    }

    private Process launch() {
        List<String> command = new ArrayList<>();
        ThisJvm.setsid().ifPresent(command::add);
        // The launcher's AppCDS archive (recorded from a `ps` and a `start`) holds the JDK's, the
        // store's and the wire's classes that a daemon loads too: its boot took 1.36 s of CPU from it
        // against 1.62 s without, and the first command of a home (which waits for that boot) 1.40 s
        // against 1.58 s (three alternated runs each of `harness --home NEW run -q -- true`).
        command.addAll(ThisJvm.javaCommand(DEFAULT_JVM_OPTIONS, JAVA_OPTS_ENV, env, true));
        command.add(MAIN_CLASS);
        command.add("--home");
        command.add(home.dir().toString());
        command.add("daemon");
        try {
            createLog();
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(home.dir().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(home.daemonLog().toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(home.daemonLog().toFile()));
            return pb.start();
        } catch (IOException e) {
            throw new DaemonUnavailableException("could not start a daemon: " + Errors.describe(e), e);
        }
    }

    private void createLog() throws IOException {
        Path log = home.daemonLog();
        if (!Files.exists(log)) {
            try {
                Files.createFile(log, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // Another command created it first.
            }
        }
    }


    private long logSize() {
        try {
            return Files.size(home.daemonLog());
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * What to quote when a daemon did not start: of what {@code log} gained since {@code from} (where
     * it ended when this command launched its daemon), the last error line ({@code harness: ...}),
     * else the last line. Other commands' daemons may be writing to the same log at the same time,
     * so the last line alone may be another daemon's "starting".
     */
    static Optional<String> failureLine(Path log, long from) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long length = f.length();
            long start = Math.max(Math.min(from, length), length - 64 * 1024);
            byte[] tail = new byte[(int) (length - start)];
            f.seek(start);
            f.readFully(tail);
            String[] lines = new String(tail, StandardCharsets.UTF_8).split("\n");
            String last = null;
            for (int i = lines.length - 1; i >= 0; i--) {
                String line = lines[i].strip();
                if (line.startsWith("harness: ")) {
                    return Optional.of(line.substring("harness: ".length()));
                }
                if (last == null && !line.isEmpty()) {
                    last = line;
                }
            }
            return Optional.ofNullable(last);
        } catch (IOException e) {
            return Optional.empty(); // no log to quote
        }
    }
}
