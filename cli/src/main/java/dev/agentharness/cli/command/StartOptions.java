package dev.agentharness.cli.command;

import dev.agentharness.agents.AgentProfiles;
import dev.agentharness.core.error.UsageException;
import dev.agentharness.core.Project;
import dev.agentharness.core.ProjectDirs;
import dev.agentharness.core.RestartPolicy;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.supervisor.notify.SinkAddress;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What {@code harness start} and {@code harness run} share: how to run the agent. */
public final class StartOptions {
    @Option(names = "--name", paramLabel = "NAME", description = "A unique name to refer to the session by.")
    String name;

    @Option(names = "--slot", paramLabel = "1|2|3", converter = Converters.SlotConverter.class,
            description = "Run in this slot (default: the lowest free one).")
    Integer slot;

    @Option(names = "--cwd", paramLabel = "DIR", description = "Working directory of the agent (default: the current directory).")
    String cwd;

    @Option(names = "--env", paramLabel = "K=V",
            description = "Set an environment variable for the agent, over the caller's environment (repeatable). "
                    + "Values are never printed or logged.")
    List<String> env = new ArrayList<>();

    @Option(names = "--env-file", paramLabel = "FILE",
            description = "Read environment variables from FILE, in docker's format (NAME=VALUE lines; # comments).")
    List<Path> envFiles = new ArrayList<>();

    @Option(names = "--wait", description = "When every slot is busy, queue the request and wait for a slot instead of failing with exit code 3.")
    boolean wait;

    @Option(names = "--max-runtime", paramLabel = "DUR", converter = Converters.DurationConverter.class,
            description = "Stop the agent (timed_out) after this long, e.g. 30m, 2h.")
    Duration maxRuntime;

    @Option(names = "--stall-timeout", paramLabel = "DUR", converter = Converters.DurationConverter.class,
            description = "Silence after which the session counts as stalled (default: the daemon's, 5m).")
    Duration stallTimeout;

    @Option(names = "--restart", paramLabel = "no|on-failure|on-crash", converter = Converters.RestartModeConverter.class,
            description = {"on-failure: start a failed session again as a new session.",
                    "on-crash: resume the agent's conversation when the session crashed, or failed with a resumable "
                            + "agent session id (default: no)."})
    RestartPolicy.Mode restart;

    @Option(names = "--max-restarts", paramLabel = "N", converter = Converters.NonNegativeConverter.class,
            description = "At most this many restarts (default 5; implies --restart on-failure unless on-crash is given).")
    Integer maxRestarts;

    @Option(names = "--agent", paramLabel = "claude|codex|gemini|aider|generic",
            description = "The agent profile: what its output means and how to resume it "
                    + "(default: decided by the command's executable name).")
    String agent;

    @Option(names = "--run", paramLabel = "RUN", description = "Attach the session to this run (default: the active run, if any).")
    String run;

    @Option(names = "--notify", paramLabel = "SINK",
            description = "Also notify this sink of the session's lifecycle events (repeatable): cmd:PROGRAM (the JSON on its stdin) or an http(s):// webhook URL.")
    List<String> notify = new ArrayList<>();

    @Option(names = {"-t", "--tty"},
            description = "Run the agent on a pseudo-terminal (its interactive UI); see harness attach, screen, send --keys.")
    boolean tty;

    @Option(names = "--size", paramLabel = "COLSxROWS", description = "The terminal's size with --tty (default: 120x40).")
    String size;

    @Option(names = {"-i", "--interactive"},
            description = "Keep the agent's stdin open for harness send (default: stdin is /dev/null, as with docker).")
    boolean interactive;

    @Parameters(arity = "0..*", paramLabel = "CMD",
            description = "The agent's command and its arguments, after --. Without one, the project's defaults (harness projects set).")
    List<String> command = new ArrayList<>();

    /** Finds a project's stored defaults; opened only for a bare start. */
    @FunctionalInterface
    interface ProjectLookup {
        Optional<Project> find(String dir);
    }

    /**
     * The spec to send, with the working directory made absolute against the caller's and filed
     * under its project. Without a command, the project's defaults supply it. The agent gets the
     * caller's environment, as a process started from the caller's shell would (and as pm2 does),
     * then {@code --env-file}, then {@code --env}: a key exported after the daemon started reaches
     * the agent all the same.
     */
    SessionSpec toSpec(Path callerCwd, Map<String, String> callerEnv, ProjectLookup projects) {
        if (name != null && name.isBlank()) {
            throw new UsageException("--name must not be blank");
        }
        String nul = SessionSpec.nulProblem(name, command == null ? java.util.List.of() : command, cwd, java.util.Map.of());
        if (nul != null) {
            throw new UsageException(nul);
        }
        if (name != null && looksLikeAnId(name.strip())) {
            throw new UsageException("--name '" + name.strip() + "' looks like a session id (or a prefix of one) "
                    + "and would hide that session from lookups; start a name with a letter");
        }
        if (maxRuntime != null && (maxRuntime.isZero() || maxRuntime.isNegative())) {
            throw new UsageException("--max-runtime must be longer than 0");
        }
        if (stallTimeout != null && (stallTimeout.isZero() || stallTimeout.isNegative())) {
            throw new UsageException("--stall-timeout must be longer than 0");
        }
        Map<String, String> agentEnv = new LinkedHashMap<>(callerEnv);
        // The caller's TERM describes the caller's terminal; a terminal session's agent draws on the
        // harness's pseudo-terminal, which emulates xterm with 256 colours. --env and --env-file win.
        agentEnv.remove("TERM");
        for (Path file : envFiles) {
            agentEnv.putAll(EnvFile.read(callerCwd.resolve(file), callerEnv));
        }
        for (String assignment : env) {
            var e = EnvFile.parseAssignment(assignment);
            agentEnv.put(e.getKey(), e.getValue());
        }
        String envNul = SessionSpec.nulProblem(null, java.util.List.of(), null, agentEnv);
        if (envNul != null) {
            throw new UsageException(envNul);
        }
        Path dir;
        try {
            dir = cwd == null ? callerCwd : callerCwd.resolve(cwd).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new UsageException("invalid --cwd '" + cwd + "'");
        }
        if (!Files.isDirectory(dir)) {
            throw new UsageException("--cwd " + dir + " is not a directory");
        }
        String project = ProjectDirs.projectOf(dir.toString());
        List<String> argv = command;
        Project defaults = null;
        if (argv.isEmpty()) {
            defaults = projects.find(project).filter(Project::hasDefaults).orElseThrow(() -> new UsageException(
                    "no CMD given, and project " + project + " has no default command"
                            + " (harness projects set " + project + " --command '...')"));
            argv = new ArrayList<>(defaults.command());
            if (defaults.prompt() != null) {
                // The prompt goes as the agent's profile takes a first message (aider: --message).
                String named = agent != null ? agent : defaults.agent();
                AgentProfiles known = new AgentProfiles();
                argv = known.resolve(named != null && known.byName(named).isPresent() ? named : null, argv)
                        .withPrompt(argv, defaults.prompt());
            }
        }
        if (argv.get(0).isEmpty()) {
            throw new UsageException("the command's program must not be empty");
        }
        for (String sink : notify) {
            try {
                SinkAddress.parse(sink);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--notify: " + e.getMessage());
            }
        }
        RestartPolicy policy;
        if (restart == RestartPolicy.Mode.NO && maxRestarts != null) {
            throw new UsageException("--max-restarts needs --restart on-failure or on-crash");
        }
        AgentProfiles profiles = new AgentProfiles();
        if (agent != null && profiles.byName(agent).isEmpty()) {
            throw new UsageException("unknown agent '" + agent + "' (known: " + String.join(", ", profiles.names()) + ")");
        }
        if (restart == RestartPolicy.Mode.ON_CRASH) {
            policy = RestartPolicy.onCrash(maxRestarts == null ? RestartPolicy.DEFAULT_MAX_RESTARTS : maxRestarts);
        } else if (restart == RestartPolicy.Mode.ON_FAILURE || maxRestarts != null) {
            policy = RestartPolicy.onFailure(maxRestarts == null ? RestartPolicy.DEFAULT_MAX_RESTARTS : maxRestarts);
        } else {
            policy = RestartPolicy.NO;
        }
        TerminalSize terminal = null;
        if (size != null && !tty) {
            throw new UsageException("--size is for terminal sessions: add -t/--tty");
        }
        if (tty) {
            try {
                terminal = size == null ? TerminalSize.DEFAULT : TerminalSize.parse(size);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        boolean onTerminal = terminal != null || (defaults != null && defaults.tty());
        if (!onTerminal && callerEnv.containsKey("TERM")) {
            agentEnv.putIfAbsent("TERM", callerEnv.get("TERM"));
        }
        Map<String, Object> metadata = defaults != null && defaults.agent() != null ? Map.of("agent", defaults.agent()) : Map.of();
        return SessionSpec.builder(argv, dir.toString())
                .name(name == null ? null : name.strip())
                .project(project)
                .notifySinks(notify)
                .metadata(metadata)
                .terminal(terminal != null ? terminal : defaults != null && defaults.tty() ? TerminalSize.DEFAULT : null)
                .env(agentEnv)
                .requestedSlot(slot)
                .runId(run)
                .maxRuntime(maxRuntime)
                .stallTimeout(stallTimeout)
                .restartPolicy(policy)
                .interactive(interactive || terminal != null || (defaults != null && defaults.tty()))
                .agent(agent != null ? agent : projectAgent(defaults, profiles))
                .build();
    }

    /** The project's default agent, when it names a profile (projects set --agent). */
    private static String projectAgent(Project defaults, AgentProfiles profiles) {
        return defaults != null && defaults.agent() != null && profiles.byName(defaults.agent()).isPresent()
                ? defaults.agent() : null;
    }

    boolean tty() {
        return tty;
    }

    boolean interactive() {
        return interactive;
    }

    /**
     * Whether a name could be taken for a session id or an id prefix: a digit first, then only the
     * characters of ULIDs (Crockford base32: digits and letters without I, L, O, U). An exact name
     * wins over an id prefix in lookups, so such a name would hide the session it spells.
     */
    static boolean looksLikeAnId(String name) {
        return ID_LIKE.matcher(name).matches();
    }

    private static final java.util.regex.Pattern ID_LIKE = java.util.regex.Pattern.compile("(?i)[0-9][0-9a-hjkmnp-tv-z]*");

    boolean waitForSlot() {
        return wait;
    }
}
