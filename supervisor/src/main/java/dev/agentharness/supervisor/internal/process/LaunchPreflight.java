package dev.agentharness.supervisor.internal.process;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks what would make a spawn fail, before spawning, so that the user gets one clear line
 * instead of a stack trace: NuProcess prints one for a bad cwd, and a missing executable only shows
 * up as exit code 127 after the fact.
 *
 * <p>The executable is looked up the way the launched {@code env} will look it up: with a '/', as a
 * path relative to the cwd; otherwise on the PATH the agent will have (its override, if the spec has
 * one).
 */
public final class LaunchPreflight {

    /** @return the one-line reason the launch would fail, or empty when it looks fine */
    public Optional<String> check(List<String> argv, String cwd, Map<String, String> agentEnv) {
        Path dir;
        try {
            dir = Paths.get(cwd).toAbsolutePath();
        } catch (InvalidPathException e) {
            return Optional.of("not a directory: " + cwd);
        }
        if (!Files.isDirectory(dir)) {
            return Optional.of("not a directory: " + cwd);
        }
        if (!Files.isExecutable(dir)) {
            return Optional.of("permission denied: " + cwd);
        }
        String program = argv.get(0);
        if (program.isEmpty()) {
            return Optional.of("no such executable: ''");
        }
        if (program.indexOf('/') >= 0) {
            return checkFile(dir, program);
        }
        boolean denied = false;
        String path = agentEnv.get("PATH");
        if (path == null) {
            path = "/usr/local/bin:/usr/bin:/bin";
        }
        for (String entry : path.split(":", -1)) {
            Path candidate;
            try {
                candidate = (entry.isEmpty() ? dir : dir.resolve(entry)).resolve(program);
            } catch (InvalidPathException e) {
                continue;
            }
            if (Files.isRegularFile(candidate)) {
                if (Files.isExecutable(candidate)) {
                    return Optional.empty();
                }
                denied = true;
            }
        }
        return Optional.of((denied ? "permission denied: " : "no such executable: ") + program);
    }

    private static Optional<String> checkFile(Path dir, String program) {
        Path file;
        try {
            file = dir.resolve(program);
        } catch (InvalidPathException e) {
            return Optional.of("no such executable: " + program);
        }
        if (!Files.exists(file)) {
            return Optional.of("no such executable: " + program);
        }
        if (Files.isDirectory(file) || !Files.isExecutable(file)) {
            return Optional.of("permission denied: " + program);
        }
        return Optional.empty();
    }
}
