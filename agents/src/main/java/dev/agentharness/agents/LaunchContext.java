package dev.agentharness.agents;

import java.nio.file.Path;

/**
 * What a profile may need to know about where its command will run, beyond the command itself.
 *
 * @param terminal     whether the agent gets a pseudo-terminal (an interactive TUI can run)
 * @param hookSettings the settings file that registers this profile's hooks ({@link AgentHooks#settings}),
 *                     already written by the harness, or null when hooks are not available
 */
public record LaunchContext(boolean terminal, Path hookSettings) {

    /** Pipes and no hooks: what {@link AgentProfile#prepare(java.util.List, boolean, AgentProfile.IdSource)} assumes. */
    public static final LaunchContext PIPES = new LaunchContext(false, null);
}
