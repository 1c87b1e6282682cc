package dev.agentharness.daemon;

import dev.agentharness.core.error.NotHostedException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs a short CLI command line inside the daemon, for the native client ({@code harness-client}).
 *
 * <p>Why: a {@code harness start} in a JVM of its own costs about 0.2 s of wall time and 0.23 s of
 * CPU, most of it the JVM starting, while the daemon's JVM is already warm. With three agents
 * starting at once on two cores, those JVMs were the largest cost the harness added before the
 * first byte was captured. The client sends the command line, its working directory and its
 * environment over the control socket (0600, checked peer), and the daemon runs the very same
 * command code, with the caller's environment, as the CLI's JVM would have.
 *
 * <p>The host decides what it runs: a command that reads the user's terminal or standard input,
 * waits at length, or asks for {@code --debug} is refused ({@link NotHostedException}) before it
 * prints anything, and the client then runs it in a JVM of its own. So is any call from a client
 * whose jar is not the one this daemon runs, so that a rebuilt CLI never runs an older command.
 *
 * <p>The interface lives here and the implementation in {@code cli}: the daemon module does not
 * know the commands, and the {@code harness daemon} command gives it their host.
 */
public interface CommandHost {
    /** A daemon without a host (tests, embedders) refuses every call. */
    CommandHost NONE = new CommandHost() {
        @Override
        public void check(Call call) {
            throw new NotHostedException("this daemon hosts no commands");
        }

        @Override
        public int run(Call call, OutputStream out, OutputStream err) {
            throw new NotHostedException("this daemon hosts no commands");
        }
    };

    /**
     * One command line as the client would have run it.
     *
     * @param args     the arguments after {@code harness}
     * @param cwd      the client's working directory, absolute
     * @param env      the client's environment
     * @param jar      the jar the client's launcher would have run
     * @param jarSize  its size in bytes
     * @param jarMtime its modification time, in milliseconds
     */
    record Call(List<String> args, Path cwd, Map<String, String> env, Path jar, long jarSize, long jarMtime) {
        public Call {
            args = List.copyOf(args);
            env = Map.copyOf(env);
        }
    }

    /**
     * Refuses, before anything runs, a call that cannot be hosted.
     *
     * @throws NotHostedException naming why
     */
    void check(Call call);

    /**
     * Runs the command to its end. It may still refuse ({@link NotHostedException}) once its
     * options are parsed, but only before it has written anything.
     *
     * @return the command's exit code
     */
    int run(Call call, OutputStream out, OutputStream err);
}
