package dev.agentharness.supervisor.spawn;

import dev.agentharness.supervisor.internal.process.LibC;
import dev.agentharness.supervisor.spawn.internal.PipeSpawner;
import dev.agentharness.supervisor.spawn.internal.PtySpawner;
import java.util.Map;

/**
 * The factory seam (NuProcess style): callers get a {@link Spawner} from here and never see which
 * library does the work. Pipes are NuProcess, terminals pty4j; neither type leaves the
 * {@code internal} package.
 */
public final class Spawners {
    private Spawners() {
    }

    /** Pipes: stdout and stderr apart. {@code harnessEnv} is where {@code setsid} and {@code env} are looked up (its PATH). */
    public static Spawner pipes(Map<String, String> harnessEnv) {
        return new PipeSpawner(harnessEnv.get("PATH"), LibC.load());
    }

    /** A pseudo-terminal as the agent's controlling terminal; one merged stream, {@code pty}. */
    public static Spawner terminal(Map<String, String> harnessEnv) {
        return new PtySpawner(harnessEnv.get("PATH"));
    }

    /** The backend a request asks for. */
    public static Spawner forRequest(LaunchRequest request, Map<String, String> harnessEnv) {
        return request.tty() ? terminal(harnessEnv) : pipes(harnessEnv);
    }
}
