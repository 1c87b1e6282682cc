package dev.agentharness.supervisor.spawn;

import dev.agentharness.core.TerminalSize;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to spawn: the agent's argv (run as it is, never through a shell), its whole environment, its
 * working directory, and how its standard streams are set up.
 *
 * @param command     argv; never empty
 * @param env         the agent's complete environment. May hold secrets: never log it, only its keys
 * @param cwd         an absolute directory
 * @param terminal    the pseudo-terminal's size, or null for pipes
 * @param interactive for pipes: whether stdin stays open for {@link AgentProcess#writeStdin}; when
 *                    false the agent reads end of file at once. A terminal is always interactive.
 */
public record LaunchRequest(List<String> command, Map<String, String> env, Path cwd, TerminalSize terminal,
                            boolean interactive) {
    public LaunchRequest {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("the command is empty");
        }
        env = Map.copyOf(env);
        Objects.requireNonNull(cwd, "cwd");
    }

    public boolean tty() {
        return terminal != null;
    }

    @Override
    public String toString() {
        return "LaunchRequest[command=" + command + ", envKeys=" + env.keySet() + ", cwd=" + cwd + ", terminal=" + terminal
                + ", interactive=" + interactive + "]";
    }
}
