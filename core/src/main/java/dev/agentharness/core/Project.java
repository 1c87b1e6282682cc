package dev.agentharness.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A directory sessions run in (seed 002's {@code projects} row), with what a bare {@code harness
 * start} there runs.
 *
 * @param dir       absolute, unique
 * @param command   the default argv, or empty when none is configured
 * @param prompt    the default prompt given to the agent, or null
 * @param agent     the agent profile to run it with, or null for the command's own
 * @param tty       whether the default runs on a terminal
 * @param createdAt when the directory was first seen
 * @param updatedAt when its defaults last changed (or it was first seen)
 * @param lastRunAt when a session last started there, or null
 */
public record Project(String dir, List<String> command, String prompt, String agent, boolean tty,
        Instant createdAt, Instant updatedAt, Instant lastRunAt) {

    public Project {
        Objects.requireNonNull(dir, "dir");
        command = command == null ? List.of() : List.copyOf(command);
    }

    public boolean hasDefaults() {
        return !command.isEmpty();
    }
}
