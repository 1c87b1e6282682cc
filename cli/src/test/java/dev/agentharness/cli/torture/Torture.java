package dev.agentharness.cli.torture;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.agentharness.cli.it.HarnessProcesses;
import dev.agentharness.cli.it.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sizes of the torture runs (scaled up by system properties), the agent's command line, and the tallies they publish. */
final class Torture {
    /** Crash-loop iterations; CI default 20. */
    static final int ITERATIONS = Integer.getInteger("harness.torture.iterations", 20);
    /** Seconds the soak writes at full rate; CI default 15. */
    static final int SOAK_SECONDS = Integer.getInteger("harness.torture.soakSeconds", 15);
    /** Base seed of every random choice; a run prints its seed so that it can be repeated. */
    static final long SEED = Long.getLong("harness.torture.seed", System.nanoTime() & 0xFFFFFFFFL);
    /** Waits for things that must happen: generous, never a performance claim. */
    static final Duration FUNCTIONAL = Duration.ofSeconds(60);

    private Torture() {
    }

    /** The command line that runs {@link Generator} (from the test classes, C1 only, small heap, quiet). */
    static List<String> generator(long seed, long bytesPerSecond, long seconds, String countFile, String mode) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx32m", "-Xss512k", "-XX:-UsePerfData", "-Xshare:auto",
                "-Xlog:disable", "-cp", testClasses().toString(), Generator.class.getName(),
                Long.toString(seed), Long.toString(bytesPerSecond), Long.toString(seconds), countFile, mode));
        return cmd;
    }

    /** The command line that runs {@link Emitter} in {@code mode}. */
    static List<String> emitter(String mode) {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Xmx64m", "-XX:-UsePerfData", "-Xshare:auto", "-Xlog:disable", "-cp", testClasses().toString(),
                Emitter.class.getName(), mode);
    }

    /** Starts {@code harness daemon} in the foreground (as a child of the test) and waits until it answers. */
    static HarnessProcesses.Background startDaemon(HarnessProcesses harness) {
        HarnessProcesses.Background daemon = harness.start("daemon");
        Path socket = harness.home.resolve("harness.sock");
        HarnessProcesses.awaitTrue("the daemon to answer", FUNCTIONAL,
                () -> Control.ping(socket).isPresent() || !daemon.process.isAlive());
        if (!daemon.process.isAlive()) {
            throw new AssertionError("the daemon did not start: " + daemon.stderrSoFar());
        }
        return daemon;
    }

    /** Runs harness commands, up to three at a time, and returns their results in order. */
    static List<Result> runAll(HarnessProcesses harness, List<List<String>> commands) {
        return runAll(harness, commands, 3);
    }

    static List<Result> runAll(HarnessProcesses harness, List<List<String>> commands, int parallel) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel);
        try {
            List<java.util.concurrent.Future<Result>> futures = new ArrayList<>();
            for (List<String> c : commands) {
                futures.add(pool.submit(() -> harness.run(c.toArray(String[]::new))));
            }
            List<Result> results = new ArrayList<>();
            for (java.util.concurrent.Future<Result> f : futures) {
                try {
                    results.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof Error err ? err : new AssertionError(e.getCause());
                }
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            pool.shutdownNow();
        }
    }

    static Path testClasses() {
        try {
            return Path.of(Generator.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        } catch (java.net.URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** What one torture test counted; written to {@code target/torture/NAME.json} whether it passed or not. */
    static final class Tally {
        private final String name;
        private final Map<String, Object> values = new LinkedHashMap<>();
        private final Instant started = Instant.now();

        Tally(String name) {
            this.name = name;
            values.put("test", name);
            values.put("passed", false);
            values.put("seed", SEED);
        }

        synchronized Tally put(String key, Object value) {
            values.put(key, value);
            return this;
        }

        synchronized long add(String key, long delta) {
            long v = ((Number) values.getOrDefault(key, 0L)).longValue() + delta;
            values.put(key, v);
            return v;
        }

        synchronized long get(String key) {
            return ((Number) values.getOrDefault(key, 0L)).longValue();
        }

        /** Writes the tally; {@code failure} is null when the test passed. */
        synchronized void write(Throwable failure) {
            values.put("passed", failure == null);
            values.put("failure", failure == null ? null : String.valueOf(failure.getMessage()).lines().findFirst().orElse(""));
            values.put("startedAt", started.toString());
            values.put("seconds", Duration.between(started, Instant.now()).toSeconds());
            Path dir = Path.of(System.getProperty("harness.torture.out", "target/torture"));
            try {
                Files.createDirectories(dir);
                Path tmp = dir.resolve(name + ".json.tmp");
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), values);
                Files.move(tmp, dir.resolve(name + ".json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
