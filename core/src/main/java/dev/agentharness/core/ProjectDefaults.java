package dev.agentharness.core;

import java.util.List;
import java.util.Objects;

/**
 * What {@code harness projects set} stores: the session a bare {@code start} in the directory runs.
 *
 * @param command argv, never empty
 * @param prompt  given to the agent as its last argument (or on stdin, where its profile says so); null for none
 * @param agent   agent profile name, or null
 * @param tty     run on a terminal
 */
public record ProjectDefaults(List<String> command, String prompt, String agent, boolean tty) {
    public ProjectDefaults {
        Objects.requireNonNull(command, "command");
        if (command.isEmpty() || command.get(0).isEmpty()) {
            throw new IllegalArgumentException("a project's default command must not be empty");
        }
        command = List.copyOf(command);
    }
}
