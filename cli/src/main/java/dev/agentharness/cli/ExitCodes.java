package dev.agentharness.cli;

import dev.agentharness.core.error.ErrorKind;
import picocli.CommandLine;

/**
 * The documented exit codes. An ambiguous id prefix counts as "no such session" (4): the user named
 * something that does not identify one session, and scripts need only one code to test for.
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int ERROR = 1;
    public static final int USAGE = 2;
    public static final int NO_FREE_SLOT = 3;
    public static final int NO_SUCH_SESSION = 4;
    /**
     * A {@code timed_out} session ({@code run}, {@code wait}) and a {@code wait --timeout} that ran
     * out, as timeout(1) exits: never the 143 of the SIGTERM that ended the agent.
     */
    public static final int TIMED_OUT = 124;
    /** {@code harness run} when the agent could not be spawned at all, as a shell does. */
    public static final int SPAWN_FAILED = 127;
    /** {@code harness run} detached by Ctrl-C; the agent keeps running. */
    public static final int DETACHED = 130;

    private ExitCodes() {
    }

    /** A parse error of picocli's is a usage error; everything else has its exit code in {@link ErrorKind}. */
    public static int of(Throwable e) {
        if (e instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        return ErrorKind.of(e).exitCode();
    }
}
