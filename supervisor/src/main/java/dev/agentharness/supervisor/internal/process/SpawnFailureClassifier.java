package dev.agentharness.supervisor.internal.process;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The fallback for launch failures the pre-flight could not see (the executable vanished in
 * between, a script whose interpreter is missing): {@code env} then exits 127 ("No such file or
 * directory") or 126 ("Permission denied") at once, and says so on stderr.
 */
public final class SpawnFailureClassifier {
    /** Exits later than this are the agent's own business, whatever the code. */
    public static final Duration FIRST_MOMENTS = Duration.ofSeconds(2);
    /** The launcher runs them by absolute path, so they name themselves "/usr/bin/env: ...". */
    private static final Pattern FROM_LAUNCHER = Pattern.compile("^(?:\\S*/)?(?:env|setsid): ");

    /**
     * @param status     how the main process ended
     * @param ranFor     how long after the spawn
     * @param stderrHead the first characters the agent wrote to stderr
     * @param program    argv[0] as the user gave it
     * @return the one-line reason, or empty when this was not a launch failure
     */
    public Optional<String> classify(ExitStatus status, Duration ranFor, String stderrHead, String program) {
        if (status.code() == null || ranFor.compareTo(FIRST_MOMENTS) > 0) {
            return Optional.empty();
        }
        String head = stderrHead == null ? "" : stderrHead;
        boolean fromLauncher = FROM_LAUNCHER.matcher(head).find();
        if (!fromLauncher) {
            return Optional.empty();
        }
        if (status.code() == 127 && head.contains("No such file or directory")) {
            return Optional.of("no such executable: " + program);
        }
        if (status.code() == 126 && head.contains("Permission denied")) {
            return Optional.of("permission denied: " + program);
        }
        if (status.code() == 126 || status.code() == 127) {
            String firstLine = head.lines().findFirst().orElse("").strip();
            return Optional.of("could not execute " + program + ": " + firstLine);
        }
        return Optional.empty();
    }
}
