package dev.agentharness.cli.torture;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
