package dev.agentharness.supervisor.spawn;

/**
 * How the agent's main process ended.
 *
 * @param code   the exit code when it exited normally; null otherwise
 * @param signal the number of the signal that killed it; null otherwise
 * @param exact  false only when the backend could not see the status itself and had to guess
 */
public record AgentExit(Integer code, Integer signal, boolean exact) {
    public static AgentExit exited(int code) {
        return new AgentExit(code, null, true);
    }

    public static AgentExit killed(int signal) {
        return new AgentExit(null, signal, true);
    }
}
