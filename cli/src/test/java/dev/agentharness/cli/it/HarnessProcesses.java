package dev.agentharness.cli.it;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentharness.daemon.DaemonPid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs the real CLI, each command in its own JVM, from the shaded jar the build just made, against
 * one temporary home. Knows how to find and kill everything it may have left running.
 */
public final class HarnessProcesses {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(90);

    public final Path home;
    public final Path scratch;
    private final Path jar;
    private final List<Process> background = new ArrayList<>();
    private final ObjectMapper mapper = new ObjectMapper();
    private int outputs;

    public HarnessProcesses(Path home, Path scratch) {
        this.home = home;
        this.scratch = scratch;
        this.jar = Path.of(System.getProperty("harness.jar", "target/harness.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            fail("the shaded jar " + jar + " is missing; these tests run in the verify phase");
        }
    }

    /**
     * Replaces the jar and the native keeper the way a rebuild does (a new file renamed over the
     * old one, so a new inode with the build's bytes), for the upgrade test: what runs from the old
     * files must not notice, and what starts next runs from the new ones.
     */
    public void replaceBuildOutputs() throws java.io.IOException {
        for (Path built : List.of(jar, jar.resolveSibling("harness-keeper"))) {
            if (!Files.isRegularFile(built)) {
                continue;
            }
            Path fresh = built.resolveSibling(built.getFileName() + ".rebuilt");
            Files.copy(built, fresh, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            Object before = Files.getAttribute(built, "unix:ino");
            Files.move(fresh, built, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            if (before.equals(Files.getAttribute(built, "unix:ino"))) {
                fail(built + " was not replaced by a new file");
            }
        }
    }

    public static Path repoRoot() {
        return Path.of(System.getProperty("harness.repoRoot", "..")).toAbsolutePath().normalize();
    }

    static Path nativeLibDir() {
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64" -> "aarch64";
            default -> "unknown";
        };
        return Path.of(System.getProperty("harness.sqliteNative", "target/sqlite-native"), "org/sqlite/native/Linux", arch)
                .toAbsolutePath();
    }

    /** The JVM options of the launcher script, and its class data sharing archive (made once per test run). */
    private List<String> jvm() {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto", "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off"));
        Path lib = nativeLibDir();
        if (Files.isRegularFile(lib.resolve("libsqlitejdbc.so"))) {
            cmd.add("-Dorg.sqlite.lib.path=" + lib);
            cmd.add("-Dorg.sqlite.lib.name=libsqlitejdbc.so");
        }
        return cmd;
    }

    public List<String> command(String... args) {
        List<String> cmd = jvm();
        // A daemon the test starts itself gets the archive of the daemons the CLI launches.
        java.util.Optional<Path> jsa = args.length > 0 && args[0].equals("daemon") ? daemonCdsArchive(jar, jvm()) : cdsArchive(jar, cmd);
        jsa.ifPresent(a -> cmd.add("-XX:SharedArchiveFile=" + a));
        cmd.addAll(List.of("-cp", jar.toString(), "dev.agentharness.cli.Main", "--home", home.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Path archive;
    private static boolean archiveTried;

    /** Every test process starts faster from a shared archive, as the launcher's do; none if it cannot be made. */
    private static synchronized java.util.Optional<Path> cdsArchive(Path jar, List<String> jvm) {
        if (!archiveTried) {
            archiveTried = true;
            try {
                Path dir = Files.createDirectories(jar.getParent().resolve("it-cds"));
                // One per test JVM: failsafe may run two forks, and one must not delete the archive the other's processes map.
                Path jsa = dir.resolve("harness-it-" + ProcessHandle.current().pid() + ".jsa");
                Files.deleteIfExists(jsa);
                Path home = Files.createTempDirectory(dir, "home");
                List<String> cmd = new ArrayList<>(jvm);
                cmd.addAll(List.of("-XX:ArchiveClassesAtExit=" + jsa, "-cp", jar.toString(), "dev.agentharness.cli.Main",
                        "--home", home.toString(), "ps", "--all"));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor(60, TimeUnit.SECONDS) && Files.size(jsa) > 0) {
                    archive = jsa;
                }
            } catch (IOException e) {
                // Run without.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return java.util.Optional.ofNullable(archive);
    }

    /** What the daemons of these tests run with (roomier than the real daemon's heap; C1 only: they live for seconds). */
    private static final String DAEMON_JVM_OPTIONS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx256m";
    private static final String QUIET_CDS = " -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off";

    private static Path daemonArchive;
    private static boolean daemonArchiveTried;

    /**
     * A class data sharing archive for daemons, made once per test JVM by a daemon that starts a
     * session and shuts down. Nearly every test boots a daemon or several (the crash loop twenty);
     * from the archive one boots on about 0.8 s of CPU instead of 1.3 s (measured on the 2-core CI
     * machine), which is most of what a short test costs. Only where classes are loaded from changes.
     */
    private static synchronized java.util.Optional<Path> daemonCdsArchive(Path jar, List<String> jvm) {
        if (!daemonArchiveTried) {
            daemonArchiveTried = true;
            java.util.Optional<Path> cli = cdsArchive(jar, jvm);
            try {
                Path dir = Files.createDirectories(jar.getParent().resolve("it-cds"));
                Path jsa = dir.resolve("harness-it-daemon-" + ProcessHandle.current().pid() + ".jsa");
                Files.deleteIfExists(jsa);
                Path home = Files.createTempDirectory(dir, "daemon-home");
                boolean done = true;
                for (List<String> args : List.of(List.of("run", "-q", "--name", "t", "--", "echo", "hi"), List.of("tail", "-n", "all", "t"),
                        List.of("shutdown"))) {
                    List<String> cmd = new ArrayList<>(jvm);
                    cli.ifPresent(a -> cmd.add("-XX:SharedArchiveFile=" + a));
                    cmd.addAll(List.of("-cp", jar.toString(), "dev.agentharness.cli.Main", "--home", home.toString()));
                    cmd.addAll(args);
                    ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
                    pb.environment().remove("HARNESS_HOME");
                    pb.environment().put("HARNESS_DAEMON_JAVA_OPTS", DAEMON_JVM_OPTIONS + QUIET_CDS + " -XX:ArchiveClassesAtExit=" + jsa);
                    Process p = pb.start();
                    done &= p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
                }
                // shutdown returns once the daemon has exited, and it writes the archive before it exits.
                if (done && Files.isRegularFile(jsa) && Files.size(jsa) > 0) {
                    daemonArchive = jsa;
                }
            } catch (IOException e) {
                // Run without.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return java.util.Optional.ofNullable(daemonArchive);
    }

    private ProcessBuilder builder(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(scratch.toFile());
        Map<String, String> env = pb.environment();
        env.remove("HARNESS_HOME");
        env.put("HARNESS_DAEMON_JAVA_OPTS", DAEMON_JVM_OPTIONS
                + daemonCdsArchive(jar, jvm()).map(a -> QUIET_CDS + " -XX:SharedArchiveFile=" + a).orElse(""));
        return pb;
    }

    public Result run(String... args) {
        return run(null, DEFAULT_TIMEOUT, args);
    }

    public Result runWithStdin(byte[] stdin, String... args) {
        return run(stdin, DEFAULT_TIMEOUT, args);
    }

    public Result run(byte[] stdin, Duration timeout, String... args) {
        Background p = start(stdin, args);
        return p.await(timeout);
    }

    /** Runs a command with these variables added to its environment (the caller's shell, exporting them). */
    public Result runWithEnv(Map<String, String> extra, String... args) {
        ProcessBuilder pb = builder(command(args));
        pb.environment().putAll(extra);
        return startCommand(List.of(args), pb, null).await(DEFAULT_TIMEOUT);
    }

    /** The native client beside the jar, as the build makes it when gcc is there. */
    public Path client() {
        return jar.resolveSibling("harness-client");
    }

    /**
     * Runs a command through the native client, as the launcher does: {@code harness-client JAR N
     * JAVA_COMMAND... ARGS}, from {@code cwd} with {@code extra} added to the environment.
     *
     * @param clientJar the jar the client names (the build's, or a stand-in to provoke a refusal)
     */
    public Result runViaClient(Path clientJar, Path cwd, Map<String, String> extra, String... args) {
        return runViaClient(List.of(), clientJar, cwd, extra, args);
    }

    /** As {@link #runViaClient(Path, Path, Map, String...)}, started through {@code prefix} (a shell that execs the rest). */
    public Result runViaClient(List<String> prefix, Path clientJar, Path cwd, Map<String, String> extra, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(clientCommand(clientJar, args));
        ProcessBuilder pb = builder(cmd).directory(cwd.toFile());
        pb.environment().putAll(extra);
        return startCommand(List.of(args), pb, null).await(DEFAULT_TIMEOUT);
    }

    /** {@code harness-client JAR N JAVA_COMMAND... ARGS}, as the launcher runs it. */
    public List<String> clientCommand(Path clientJar, String... args) {
        List<String> full = command(args);
        int main = full.indexOf("dev.agentharness.cli.Main") + 1;
        if (List.of(args).contains("--home")) {
            full.subList(main, main + 2).clear(); // the caller names the home itself
        }
        List<String> cmd = new ArrayList<>(List.of(client().toString(), clientJar.toString(), String.valueOf(main)));
        cmd.addAll(full);
        return cmd;
    }

    public Path jar() {
        return jar;
    }

    /** Starts a command without waiting; its output goes to files so it can never block on a full pipe. */
    public Background start(String... args) {
        return start(null, args);
    }

    public Background start(byte[] stdin, String... args) {
        return startCommand(List.of(args), command(args), stdin);
    }

    /**
     * Starts a command the way the launcher runs a daemon: {@code prefix} first (a shell that lowers a
     * limit, say, then execs the rest), then the JVM with {@code jvmOptions} added last, so that they win
     * (the daemon's own {@code -Xmx96m}, for instance).
     */
    public Background startWith(List<String> prefix, List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        List<String> full = command(args);
        int main = full.indexOf("-cp");
        full.addAll(main, jvmOptions);
        cmd.addAll(full);
        return startCommand(List.of(args), cmd, null);
    }

    Background startCommand(List<String> shownArgs, List<String> cmd, byte[] stdin) {
        return startCommand(shownArgs, builder(cmd), stdin);
    }

    synchronized Background startCommand(List<String> shownArgs, ProcessBuilder pb, byte[] stdin) {
        int n = ++outputs;
        Path out = scratch.resolve("out-" + n);
        Path err = scratch.resolve("err-" + n);
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        try {
            Process p = pb.start();
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin);
                }
            }
            background.add(p);
            return new Background(shownArgs, p, out, err, home.resolve("daemon.log"));
        } catch (IOException e) {
            throw new AssertionError("cannot start " + pb.command(), e);
        }
    }

    /** A running harness process. */
    public static final class Background {
        public final List<String> args;
        public final Process process;
        public final Path out;
        public final Path err;

        private final Path daemonLog;

        Background(List<String> args, Process process, Path out, Path err, Path daemonLog) {
            this.daemonLog = daemonLog;
            this.args = args;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        /** The last lines the daemon logged, so that a hang can be told apart from a slow machine. */
        private String daemonLogTail() {
            try {
                List<String> lines = Files.readAllLines(daemonLog, StandardCharsets.UTF_8);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
            } catch (IOException | RuntimeException e) {
                return "(no daemon.log: " + e + ")";
            }
        }

        public Result await(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    fail("harness " + String.join(" ", args) + " did not finish within " + timeout.toSeconds() + " s; stderr: "
                            + stderrSoFar() + "\n--- end of daemon.log ---\n" + daemonLogTail());
                }
                return new Result(args, process.exitValue(), Files.readAllBytes(out),
                        new String(Files.readAllBytes(err), StandardCharsets.UTF_8)); // leniently: an agent's stderr may be any bytes
            } catch (IOException e) {
                throw new AssertionError(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        public String stderrSoFar() {
            try {
                return Files.readString(err, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }

        public String stdoutSoFar() {
            try {
                return Files.readString(out, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }
    }

    public JsonNode json(String... args) {
        Result r = run(args).ok();
        try {
            return mapper.readTree(r.stdoutBytes());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r, e);
        }
    }

    public JsonNode session(String ref) {
        return json("show", ref, "--json");
    }

    public String status(String ref) {
        return session(ref).path("status").asText();
    }

    public String tailAll(String ref) {
        return run("tail", ref, "-n", "all").ok().out();
    }

    public OptionalLong daemonPid() {
        try {
            String text = Files.readString(home.resolve("daemon.lock")).replaceAll("[^0-9].*", "").trim();
            return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text.split("\\s+")[0]));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    public boolean daemonAlive() {
        OptionalLong pid = daemonPid();
        return pid.isPresent() && alive(pid.getAsLong());
    }

    public static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * Whether {@code pid} is a running process; a zombie counts as dead ({@link DaemonPid#running}: a
     * daemon or keeper's parent is init, which may reap it seconds late).
     */
    public static boolean alive(long pid) {
        return DaemonPid.running(pid);
    }

    public static void kill(long pid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, "--", Long.toString(pid)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Leaves nothing running: shuts the daemon down, kills it if it will not go, kills any agent
     * process group a session still names, and any harness process a test left behind.
     */
    public void cleanUp() {
        List<Long> agentPids = new ArrayList<>(storedAgentPids());
        if (daemonAlive()) {
            // SIGTERM takes the same clean shutdown path as harness shutdown, without another JVM.
            long pid = daemonPid().getAsLong();
            agentPids.addAll(ProcessHandle.of(pid).map(h -> h.descendants().map(ProcessHandle::pid).toList()).orElse(List.of()));
            kill(pid, "TERM");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
            while (alive(pid) && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (alive(pid)) {
                kill(pid, "KILL");
            }
        }
        for (long pid : agentPids) {
            if (alive(pid)) {
                kill(-pid, "KILL");
                kill(pid, "KILL");
            }
        }
        for (Process p : background) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        // Keepers live in sessions of their own: a daemon killed by a test leaves them (and their agents).
        List<Long> keepers = keeperPids();
        for (long keeper : keepers) {
            ProcessHandle.of(keeper).ifPresent(k -> k.children().forEach(c -> {
                kill(-c.pid(), "KILL");
                c.destroyForcibly();
            }));
            kill(keeper, "KILL");
        }
        // Gone before the home is deleted: a dying keeper must not write into it meanwhile.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (keepers.stream().anyMatch(HarnessProcesses::alive) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    /**
     * Every agent pid the home's database names, read straight from the file (read-only) rather than
     * through {@code harness ps --json}: the same rows without another JVM after every test.
     */
    private List<Long> storedAgentPids() {
        List<Long> pids = new ArrayList<>();
        Path db = home.resolve("harness.db");
        if (!Files.isRegularFile(db)) {
            return pids;
        }
        org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(5_000);
        try (java.sql.Connection c = config.createConnection("jdbc:sqlite:" + db.toAbsolutePath());
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT pid FROM sessions WHERE pid IS NOT NULL")) {
            while (rs.next()) {
                pids.add(rs.getLong(1));
            }
        } catch (java.sql.SQLException | RuntimeException e) {
            // The database may be the thing a test broke; the daemon's children and the keepers below still get cleaned up.
        }
        return pids;
    }

    /** The pids of the keeper processes of this home (their argv names the home). */
    public List<Long> keeperPids() {
        String homeArg = home.toAbsolutePath().toString();
        // JVM keepers (java ... KeeperMain HOME ID) and native ones (harness-keeper HOME ID), spares
        // included. Missing the native ones left spare keepers alive after a test, and one that
        // wrote into keepers/ while JUnit deleted the home failed the test's cleanup (NewcomerIT).
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().arguments().map(a -> java.util.Arrays.asList(a).contains(homeArg)
                        && (java.util.Arrays.stream(a).anyMatch(x -> x.endsWith("KeeperMain"))
                            || h.info().command().map(c -> c.endsWith("/harness-keeper")).orElse(false))).orElse(false))
                .map(ProcessHandle::pid)
                .toList();
    }

    /** The keeper of the session whose agent has pid {@code agentPid}: its parent. */
    public static long keeperOf(long agentPid) {
        return ProcessHandle.of(agentPid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)
                .orElseThrow(() -> new AssertionError("agent " + agentPid + " has no parent"));
    }
}
