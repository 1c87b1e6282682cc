package dev.agentharness.supervisor.internal.process;

/**
 * The fields of {@code /proc/PID/stat} the supervisor needs.
 *
 * @param pid       the process id
 * @param state     R, S, D, Z, T...
 * @param ppid      the parent's pid
 * @param pgrp      the process group id
 * @param session   the session id
 * @param startTime field 22: when it started, in clock ticks since boot
 */
public record ProcStat(int pid, char state, int ppid, int pgrp, int session, long startTime) {
    /** A zombie (or a process being torn down) has exited; only its entry remains. */
    public boolean hasExited() {
        return state == 'Z' || state == 'X' || state == 'x';
    }

    /**
     * Parses the text of {@code /proc/PID/stat}. The command name (field 2) is in parentheses and
     * may itself contain spaces and parentheses, so the fields are counted from the LAST ')'.
     *
     * @throws IllegalArgumentException when the text is not a stat line
     */
    public static ProcStat parse(String text) {
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        if (open < 1 || close < open) {
            throw new IllegalArgumentException("not a /proc stat line");
        }
        int pid = Integer.parseInt(text.substring(0, open).trim());
        String[] f = text.substring(close + 1).trim().split(" +");
        // f[0] is field 3 (state); field N is f[N - 3].
        if (f.length < 20) {
            throw new IllegalArgumentException("short /proc stat line");
        }
        return new ProcStat(pid, f[0].charAt(0), Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                Long.parseLong(f[19]));
    }
}
