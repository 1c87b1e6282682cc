package dev.agentharness.core;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which project a working directory belongs to: the root of the git work tree that contains it
 * (the nearest ancestor, itself included, holding a {@code .git} directory or file, as worktrees
 * and submodules have), or the directory itself when it is in none. Only the filesystem is read; git
 * is never run, so this works without git installed and costs a few {@code stat}s.
 */
public final class ProjectDirs {
    private ProjectDirs() {
    }

    /** The project of {@code cwd}, an absolute path; normalised, never null. */
    public static String projectOf(String cwd) {
        Path dir = Path.of(cwd).toAbsolutePath().normalize();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".git"))) {
                return p.toString();
            }
        }
        return dir.toString();
    }
}
