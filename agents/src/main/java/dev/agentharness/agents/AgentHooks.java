package dev.agentharness.agents;

/**
 * An agent that calls back into the harness while it runs interactively (Claude Code's hooks):
 * the settings that register the callback, and what one callback's input means. Pure, like the
 * profiles: the harness writes the settings file and records the reports.
 */
public interface AgentHooks {

    /**
     * The settings (the agent's own format) that make it run {@code hookCommand}, a command line
     * for its shell, on each event the harness follows.
     */
    String settings(String hookCommand);

    /**
     * What one callback said: its input as the agent wrote it on the hook's stdin.
     *
     * @throws MalformedLineException when the input is not the agent's hook JSON
     */
    HookReport read(String input) throws MalformedLineException;
}
