package dev.agentharness.supervisor.internal.process;

/**
 * How the agent's main process ended.
 *
 * @param code   the exit code when it exited; null otherwise
 * @param signal the signal that killed it; null otherwise
 * @param exact  false when the status comes from NuProcess's report, which folds 127 into
 *               Integer.MIN_VALUE and cannot tell a signal from an exit code
 */
public record ExitStatus(Integer code, Integer signal, boolean exact) {
    private static final int CLD_EXITED = 1;
    private static final int CLD_KILLED = 2;
    private static final int CLD_DUMPED = 3;

    public static ExitStatus exited(int code) {
        return new ExitStatus(code, null, true);
    }

    public static ExitStatus killed(int signal) {
        return new ExitStatus(null, signal, true);
    }

    /** From a {@code waitid} siginfo: {@code si_code} and {@code si_status}. */
    public static ExitStatus fromSiginfo(int siCode, int siStatus) {
        return switch (siCode) {
            case CLD_EXITED -> exited(siStatus);
            case CLD_KILLED, CLD_DUMPED -> killed(siStatus);
            default -> new ExitStatus(null, null, false);
        };
    }

    /**
     * From NuProcess's {@code onExit} code, the fallback when the harness did not see the exit
     * itself: Integer.MIN_VALUE stands for 127 (or a launch failure), Integer.MAX_VALUE for "already
     * reaped elsewhere" and anything else may be an exit code or a signal number.
     */
    public static ExitStatus fromNuProcess(int nuCode) {
        if (nuCode == Integer.MIN_VALUE) {
            return new ExitStatus(127, null, false);
        }
        if (nuCode == Integer.MAX_VALUE || nuCode < 0) {
            return new ExitStatus(null, null, false);
        }
        return new ExitStatus(nuCode, null, false);
    }

    /** What the session records: the exit code, 128 + signal for a signal death, null when unknown. */
    public Integer recordedCode() {
        if (signal != null) {
            return 128 + signal;
        }
        return code;
    }

    public boolean isSuccess() {
        return code != null && code == 0;
    }

    /** "exited with code 3", "killed by SIGKILL". */
    public String describe() {
        if (signal != null) {
            return "killed by " + Signal.nameOf(signal);
        }
        if (code != null) {
            return "exited with code " + code;
        }
        return "exited with an unknown status";
    }
}
