package dev.agentharness.core;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What to run: everything a start request says, and so everything a restart or a queued start
 * needs to run it again. A {@link Session} is a spec plus what happened to it.
 *
 * <p>{@link #toString()} shows environment keys only: values may be secrets and must never reach a
 * log.
 *
 * @param name          optional, unique among existing sessions
 * @param command       argv, run as given (no shell unless argv[0] is one); never empty
 * @param cwd           working directory, absolute
 * @param env           overrides applied on top of the harness's environment
 * @param requestedSlot the slot asked for, or null for the lowest free one
 * @param runId         the run to attach to, or null
 * @param maxRuntime    past this the session is stopped as timed_out; null for no limit
 * @param stallTimeout  silence after which it counts as stalled; null for the default
 * @param restartPolicy what to do when it fails
 * @param restartOf     the session this one restarts, or null
 * @param restartCount  how many restarts preceded this one in its chain
 * @param metadata      agent-specific facts (model, cost, the agent's own session id...), JSON values
 * @param terminal      the pseudo-terminal's size for a terminal session; null for a session on pipes
 * @param interactive   whether the agent's stdin stays open for {@code send}; otherwise it is
 *                      /dev/null (pipe sessions only: a terminal is always interactive)
 * @param project       the project directory it belongs to (see {@link ProjectDirs}); null when
 *                      the caller did not say, and the daemon derives it from cwd
 * @param notifySinks   per-session notification sinks ({@code cmd:/path} or a webhook URL), on top
 *                      of the home's; may carry secrets, so {@link #toString()} shows only a count
 * @param agent         the agent profile ({@code claude}, {@code codex}, {@code gemini}, {@code aider},
 *                      {@code generic}); null means "decide from the command's executable name"
 * @param resumeOf      the session whose agent conversation this one continues, or null
 * @param agentSessionId the agent's own session id, when the harness chose it before the start
 *                      ({@code claude --session-id UUID}); the session's {@link AgentUsage} starts
 *                      with it. An input only: a stored session keeps it in its {@link AgentUsage}.
 */
public record SessionSpec(
        String name,
        List<String> command,
        String cwd,
        Map<String, String> env,
        Integer requestedSlot,
        String runId,
        Duration maxRuntime,
        Duration stallTimeout,
        RestartPolicy restartPolicy,
        String restartOf,
        int restartCount,
        Map<String, Object> metadata,
        TerminalSize terminal,
        boolean interactive,
        String project,
        List<String> notifySinks,
        String agent,
        String resumeOf,
        String agentSessionId) {

    public SessionSpec {
        Objects.requireNonNull(command, "command");
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command must not be empty");
        }
        command = List.copyOf(command);
        Objects.requireNonNull(cwd, "cwd");
        env = env == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(env));
        restartPolicy = restartPolicy == null ? RestartPolicy.NO : restartPolicy;
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        notifySinks = notifySinks == null ? List.of() : List.copyOf(notifySinks);
    }

    /** The fields from before agent profiles; the agent is decided from the command. */
    public SessionSpec(String name, List<String> command, String cwd, Map<String, String> env, Integer requestedSlot,
                       String runId, Duration maxRuntime, Duration stallTimeout, RestartPolicy restartPolicy, String restartOf,
                       int restartCount, Map<String, Object> metadata, TerminalSize terminal, boolean interactive) {
        this(name, command, cwd, env, requestedSlot, runId, maxRuntime, stallTimeout, restartPolicy, restartOf, restartCount,
                metadata, terminal, interactive, null, null, null, null, null);
    }

    /** The fields from before agent profiles; the agent is decided from the command. */
    public SessionSpec(String name, List<String> command, String cwd, Map<String, String> env, Integer requestedSlot,
                       String runId, Duration maxRuntime, Duration stallTimeout, RestartPolicy restartPolicy, String restartOf,
                       int restartCount, Map<String, Object> metadata, TerminalSize terminal, boolean interactive,
                       String project, List<String> notifySinks) {
        this(name, command, cwd, env, requestedSlot, runId, maxRuntime, stallTimeout, restartPolicy, restartOf, restartCount,
                metadata, terminal, interactive, project, notifySinks, null, null, null);
    }

    public static SessionSpec of(List<String> command, String cwd) {
        return builder(command, cwd).build();
    }

    /** A builder for a spec that runs {@code command} in {@code cwd}; everything else optional. */
    public static Builder builder(List<String> command, String cwd) {
        return new Builder(command, cwd);
    }

    /** A builder that starts from this spec, for changing a few fields. */
    public Builder toBuilder() {
        return new Builder(command, cwd)
                .name(name)
                .env(env)
                .requestedSlot(requestedSlot)
                .runId(runId)
                .maxRuntime(maxRuntime)
                .stallTimeout(stallTimeout)
                .restartPolicy(restartPolicy)
                .restartOf(restartOf)
                .restartCount(restartCount)
                .metadata(metadata)
                .terminal(terminal)
                .interactive(interactive)
                .project(project)
                .notifySinks(notifySinks)
                .agent(agent)
                .resumeOf(resumeOf)
                .agentSessionId(agentSessionId);
    }

    /** Whether the agent runs on a pseudo-terminal. */
    public boolean tty() {
        return terminal != null;
    }

    /**
     * Why this spec cannot be launched as it is, when a NUL byte is in the command, the cwd, an
     * environment key or an environment value (no process can receive one: the kernel's strings end
     * at it); null when there is none. Not checked by the constructor, so that a stored spec always
     * reads back; whoever accepts a new spec asks this first.
     */
    public String nulProblem() {
        return nulProblem(name, command, cwd, env);
    }

    /** As {@link #nulProblem()}, for the parts of a spec before it is built. */
    public static String nulProblem(String name, List<String> command, String cwd, Map<String, String> env) {
        if (name != null && name.indexOf('\0') >= 0) {
            return "the name contains a NUL byte";
        }
        for (int i = 0; command != null && i < command.size(); i++) {
            if (command.get(i) != null && command.get(i).indexOf('\0') >= 0) {
                return (i == 0 ? "the command's program" : "argument " + i + " of the command") + " contains a NUL byte";
            }
        }
        if (cwd != null && cwd.indexOf('\0') >= 0) {
            return "the working directory contains a NUL byte";
        }
        for (Map.Entry<String, String> e : env == null ? Map.<String, String>of().entrySet() : env.entrySet()) {
            if (e.getKey().indexOf('\0') >= 0) {
                return "an environment variable name contains a NUL byte";
            }
            if (e.getValue() != null && e.getValue().indexOf('\0') >= 0) {
                return "the value of environment variable " + ControlChars.forLog(e.getKey()) + " contains a NUL byte";
            }
        }
        return null;
    }

    public SessionSpec withName(String newName) {
        return toBuilder().name(newName).build();
    }

    public SessionSpec withEnv(Map<String, String> newEnv) {
        return toBuilder().env(newEnv).build();
    }

    public SessionSpec withRequestedSlot(Integer slot) {
        return toBuilder().requestedSlot(slot).build();
    }

    public SessionSpec withRunId(String newRunId) {
        return toBuilder().runId(newRunId).build();
    }

    public SessionSpec withLimits(Duration newMaxRuntime, Duration newStallTimeout) {
        return toBuilder().maxRuntime(newMaxRuntime).stallTimeout(newStallTimeout).build();
    }

    public SessionSpec withRestartPolicy(RestartPolicy policy) {
        return toBuilder().restartPolicy(policy).build();
    }

    /** The spec of a restart of session {@code previousId}, the {@code count}-th in its chain. */
    public SessionSpec asRestartOf(String previousId, int count) {
        return toBuilder().restartOf(previousId).restartCount(count).build();
    }

    /** The same spec running another command line (a resume, or an agent id chosen up front). */
    public SessionSpec withCommand(List<String> newCommand) {
        return new SessionSpec(name, newCommand, cwd, env, requestedSlot, runId, maxRuntime, stallTimeout, restartPolicy,
                restartOf, restartCount, metadata, terminal, interactive, project, notifySinks, agent, resumeOf, agentSessionId);
    }

    public SessionSpec withMetadata(Map<String, Object> newMetadata) {
        return toBuilder().metadata(newMetadata).build();
    }

    /**
     * Builds a {@link SessionSpec}. The record has many optional fields, and new ones keep coming
     * (terminal, agent, project...): call sites name what they set instead of passing a dozen
     * positional nulls, and adding a field does not touch them.
     */
    public static final class Builder {
        private final List<String> command;
        private final String cwd;
        private String name;
        private Map<String, String> env = Map.of();
        private Integer requestedSlot;
        private String runId;
        private Duration maxRuntime;
        private Duration stallTimeout;
        private RestartPolicy restartPolicy = RestartPolicy.NO;
        private String restartOf;
        private int restartCount;
        private Map<String, Object> metadata = Map.of();
        private TerminalSize terminal;
        private boolean interactive;
        private String project;
        private List<String> notifySinks = List.of();
        private String agent;
        private String resumeOf;
        private String agentSessionId;

        private Builder(List<String> command, String cwd) {
            this.command = command;
            this.cwd = cwd;
        }

        public Builder name(String value) {
            this.name = value;
            return this;
        }

        public Builder env(Map<String, String> value) {
            this.env = value;
            return this;
        }

        public Builder requestedSlot(Integer value) {
            this.requestedSlot = value;
            return this;
        }

        public Builder runId(String value) {
            this.runId = value;
            return this;
        }

        public Builder maxRuntime(Duration value) {
            this.maxRuntime = value;
            return this;
        }

        public Builder stallTimeout(Duration value) {
            this.stallTimeout = value;
            return this;
        }

        public Builder restartPolicy(RestartPolicy value) {
            this.restartPolicy = value;
            return this;
        }

        public Builder restartOf(String value) {
            this.restartOf = value;
            return this;
        }

        public Builder restartCount(int value) {
            this.restartCount = value;
            return this;
        }

        public Builder metadata(Map<String, Object> value) {
            this.metadata = value;
            return this;
        }

        /** A terminal session of this size; null for pipes. */
        public Builder terminal(TerminalSize value) {
            this.terminal = value;
            return this;
        }

        public Builder interactive(boolean value) {
            this.interactive = value;
            return this;
        }

        /** The project directory; null lets the daemon derive it from cwd. */
        public Builder project(String value) {
            this.project = value;
            return this;
        }

        /** Notification sinks of this session only. */
        public Builder notifySinks(List<String> value) {
            this.notifySinks = value;
            return this;
        }

        /** The agent profile's name; null to decide it from the command. */
        public Builder agent(String value) {
            this.agent = value;
            return this;
        }

        public Builder resumeOf(String value) {
            this.resumeOf = value;
            return this;
        }

        /** The agent's session id, chosen by the harness before the start. */
        public Builder agentSessionId(String value) {
            this.agentSessionId = value;
            return this;
        }

        public SessionSpec build() {
            return new SessionSpec(name, command, cwd, env, requestedSlot, runId, maxRuntime, stallTimeout,
                    restartPolicy, restartOf, restartCount, metadata, terminal, interactive, project, notifySinks,
                    agent, resumeOf, agentSessionId);
        }
    }

    @Override
    public String toString() {
        return "SessionSpec[name=" + name + ", command=" + command + ", cwd=" + cwd + ", envKeys=" + env.keySet()
                + ", requestedSlot=" + requestedSlot + ", runId=" + runId + ", maxRuntime=" + maxRuntime
                + ", stallTimeout=" + stallTimeout + ", restartPolicy=" + restartPolicy + ", restartOf=" + restartOf
                + ", restartCount=" + restartCount + ", metadataKeys=" + metadata.keySet() + ", terminal=" + terminal
                + ", interactive=" + interactive + ", project=" + project + ", notifySinks=" + notifySinks.size()
                + ", agent=" + agent + ", resumeOf=" + resumeOf
                + ", agentSessionId=" + agentSessionId + "]";
    }
}
