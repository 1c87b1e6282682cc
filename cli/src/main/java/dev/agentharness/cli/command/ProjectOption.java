package dev.agentharness.cli.command;

import dev.agentharness.core.error.UsageException;
import dev.agentharness.core.ProjectDirs;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** A {@code --project DIR} or {@code projects set DIR}: the project that DIR, taken from the caller's cwd, belongs to. */
final class ProjectOption {
    private ProjectOption() {
    }

    static String resolve(String dir, Path callerCwd) {
        try {
            return ProjectDirs.projectOf(callerCwd.resolve(dir).toAbsolutePath().normalize().toString());
        } catch (InvalidPathException e) {
            throw new UsageException("invalid project directory '" + dir + "'");
        }
    }
}
