package dev.agentharness.supervisor.internal.process;

/**
 * A process as the harness recorded it. Pids are recycled, so a pid alone never identifies the
 * agent: only a live process with the same pid AND the same start time is it.
 */
public record ProcessIdentity(int pid, long startTime) {
    public boolean matches(ProcStat stat) {
        return stat.pid() == pid && stat.startTime() == startTime;
    }
}
