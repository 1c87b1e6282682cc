package dev.agentharness.supervisor.internal.process;

import com.zaxxer.nuprocess.NuProcess;
import com.zaxxer.nuprocess.NuProcessBuilder;
import com.zaxxer.nuprocess.NuProcessHandler;
import dev.agentharness.core.error.SpawnException;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Spawns an agent with NuProcess, wrapped so that it starts life the way a supervised process
 * should:
 *
 * <pre>setsid env --default-signal=PIPE -- argv...</pre>
 *
 * <ul>
 *   <li>{@code setsid}: the agent leads its own session and process group, so one signal to the
 *       group reaches everything it started, and nothing reaches the harness. NuProcess spawns with
 *       posix_spawn and cannot do this itself. The freshly spawned child is never a group leader, so
 *       setsid does not fork: the pid NuProcess reports stays the agent's pid (and group id).</li>
 *   <li>{@code env --default-signal=PIPE}: the JVM ignores SIGPIPE and children inherit ignored
 *       signals, which would make {@code yes | head -n 1} print "Broken pipe" errors instead of
 *       ending quietly. env restores the default, then execs the agent in the same process.</li>
 * </ul>
 *
 * <p>GNU env still treats a NAME=VALUE word after {@code --} as an assignment, so an argv[0] that
 * contains '=' is run through {@code sh -c 'exec "$@"'} instead, which execs it verbatim.
 */
public final class AgentLauncher {
    private static final String FALLBACK_PATH = "/usr/bin:/bin:/usr/sbin:/sbin";

    private final Optional<Path> setsid;
    private final Optional<Path> env;
    private final Optional<Path> sh;

    @Inject
    public AgentLauncher(HarnessEnvironment environment) {
        NuProcessSettings.applyDefaults(); // before the first spawn loads NuProcess's event loop
        String path = environment.path() == null ? FALLBACK_PATH : environment.path() + ":" + FALLBACK_PATH;
        this.setsid = find("setsid", path);
        this.env = find("env", path);
        this.sh = find("sh", path);
    }

    /** The argv actually spawned for the agent's {@code argv}. */
    public List<String> wrap(List<String> argv) {
        List<String> real = new ArrayList<>();
        real.add(require(setsid, "setsid (util-linux)").toString());
        real.add(require(env, "env (coreutils)").toString());
        real.add("--default-signal=PIPE");
        real.add("--");
        if (argv.get(0).indexOf('=') >= 0) {
            real.add(require(sh, "sh").toString());
            real.add("-c");
            real.add("exec \"$@\"");
            real.add("sh");
        }
        real.addAll(argv);
        return real;
    }

    /**
     * Spawns. The handler's callbacks may start before this returns.
     *
     * @throws SpawnException when NuProcess could not spawn (the pre-flight has ruled out the usual
     *         causes, so this is rare: out of pids, file descriptors or memory)
     */
    public NuProcess spawn(List<String> argv, Map<String, String> agentEnv, Path cwd, NuProcessHandler handler) {
        NuProcessBuilder builder = new NuProcessBuilder(wrap(argv), agentEnv);
        builder.setCwd(cwd);
        builder.setProcessListener(handler);
        NuProcess process = builder.start();
        if (process == null || process.getPID() <= 0) {
            throw new SpawnException("could not spawn " + argv.get(0) + " (see the harness log)");
        }
        return process;
    }

    private static Path require(Optional<Path> tool, String what) {
        return tool.orElseThrow(() -> new SpawnException("cannot launch agents: " + what + " not found on PATH"));
    }

    private static Optional<Path> find(String name, String path) {
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Paths.get(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath());
            }
        }
        return Optional.empty();
    }
}
