package dev.agentharness.agents;

import java.util.List;

/**
 * What to launch: the command line, possibly with an agent session id the harness chose.
 *
 * @param command        argv to run
 * @param agentSessionId the id chosen up front, or null when the agent chooses its own
 */
public record LaunchPlan(List<String> command, String agentSessionId) {
    public LaunchPlan {
        command = List.copyOf(command);
    }
}
