package dev.agentharness.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One agent session: the {@link SessionSpec} it was started from, plus everything the harness has
 * learned about it since.
 *
 * <p>The pid alone never identifies the agent: pids are recycled. {@code pidStartTime} (field 22 of
 * {@code /proc/PID/stat}, in clock ticks since boot) is recorded with it, and a process counts as
 * the agent only when both match.
 *
 * @param id             sortable unique id (a ULID)
 * @param spec           what was asked for
 * @param slot           1..3 while active; null only for sessions imported from a legacy store
 * @param status         where it is in its life
 * @param pid            the agent's pid (also its process-group and session id), or null
 * @param pidStartTime   the pid's start time in clock ticks since boot, or null
 * @param exitCode       the exit code, or 128+signal when a signal ended it; null while running
 * @param reason         one line on why it failed, stopped or crashed; null otherwise
 * @param createdAt      when the slot was claimed
 * @param startedAt      when the process was spawned, or null
 * @param endedAt        when it reached a terminal status, or null
 * @param lastActivityAt when it last printed anything, or null
 * @param stalledSince   when the watchdog found it silent, or null
 * @param escalationLevel the watchdog's escalation: 0 none, 1 warned, 2 stopped
 * @param outputBytes    UTF-8 bytes of output stored so far
 * @param outputChunks   chunks of output stored so far (also the last seq)
 * @param agent          what the agent's structured output said (id, model, tokens, cost); written
 *                       only by the parser, through {@code SessionStore.updateAgent}
 * @param activity       what the agent last reported through its hooks (working, waiting, idle), or
 *                       null when no hook has reported (then screen patterns are all there is);
 *                       written only through {@code SessionStore.recordHook}
 */
public record Session(
        String id,
        SessionSpec spec,
        Integer slot,
        SessionStatus status,
        Integer pid,
        Long pidStartTime,
        Integer exitCode,
        String reason,
        Instant createdAt,
        Instant startedAt,
        Instant endedAt,
        Instant lastActivityAt,
        Instant stalledSince,
        int escalationLevel,
        long outputBytes,
        long outputChunks,
        AgentUsage agent,
        AgentActivity activity) {

    public Session {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        agent = agent == null ? AgentUsage.start(spec.agent(), spec.agentSessionId()) : agent;
    }

    /** The fields from before agent hooks: no activity reported. */
    public Session(String id, SessionSpec spec, Integer slot, SessionStatus status, Integer pid, Long pidStartTime,
                   Integer exitCode, String reason, Instant createdAt, Instant startedAt, Instant endedAt,
                   Instant lastActivityAt, Instant stalledSince, int escalationLevel, long outputBytes, long outputChunks,
                   AgentUsage agent) {
        this(id, spec, slot, status, pid, pidStartTime, exitCode, reason, createdAt, startedAt, endedAt, lastActivityAt,
                stalledSince, escalationLevel, outputBytes, outputChunks, agent, null);
    }

    /** The fields from before agent profiles: the agent facts start from the spec. */
    public Session(String id, SessionSpec spec, Integer slot, SessionStatus status, Integer pid, Long pidStartTime,
                   Integer exitCode, String reason, Instant createdAt, Instant startedAt, Instant endedAt,
                   Instant lastActivityAt, Instant stalledSince, int escalationLevel, long outputBytes, long outputChunks) {
        this(id, spec, slot, status, pid, pidStartTime, exitCode, reason, createdAt, startedAt, endedAt, lastActivityAt,
                stalledSince, escalationLevel, outputBytes, outputChunks, (AgentUsage) null);
    }

    /** A session that has just claimed {@code slot} and is about to be spawned. */
    public static Session starting(String id, SessionSpec spec, int slot, Instant now) {
        return new Session(id, spec, slot, SessionStatus.STARTING, null, null, null, null, now, null, null, null, null, 0, 0, 0,
                AgentUsage.start(spec.agent(), spec.agentSessionId()));
    }

    public String resumeOf() {
        return spec.resumeOf();
    }

    public String name() {
        return spec.name();
    }

    public List<String> command() {
        return spec.command();
    }

    public String cwd() {
        return spec.cwd();
    }

    public Map<String, String> env() {
        return spec.env();
    }

    public String runId() {
        return spec.runId();
    }

    public String restartOf() {
        return spec.restartOf();
    }

    public Map<String, Object> metadata() {
        return spec.metadata();
    }

    public boolean isActive() {
        return status.isActive();
    }

    /** The name if it has one, otherwise the id: how messages refer to a session. */
    public String label() {
        // Names are chosen by whoever starts a session: shown with control characters made visible,
        // so that a name cannot move a terminal's cursor or forge a log line.
        return spec.name() != null ? ControlChars.forLog(spec.name()) : id;
    }

    /** How long it ran (or has run until {@code now}), or null when it never started. */
    public Duration runtime(Instant now) {
        if (startedAt == null) {
            return null;
        }
        return Duration.between(startedAt, endedAt != null ? endedAt : now);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public String toString() {
        // The spec's toString already hides environment values.
        return "Session[id=" + id + ", slot=" + slot + ", status=" + status + ", pid=" + pid + ", exitCode=" + exitCode
                + ", reason=" + reason + ", spec=" + spec + "]";
    }

    /** Copies a session with some fields changed; the store decides whether the change is allowed. */
    public static final class Builder {
        private String id;
        private SessionSpec spec;
        private Integer slot;
        private SessionStatus status;
        private Integer pid;
        private Long pidStartTime;
        private Integer exitCode;
        private String reason;
        private Instant createdAt;
        private Instant startedAt;
        private Instant endedAt;
        private Instant lastActivityAt;
        private Instant stalledSince;
        private int escalationLevel;
        private long outputBytes;
        private long outputChunks;
        private AgentUsage agent;
        private AgentActivity activity;

        private Builder(Session s) {
            id = s.id;
            spec = s.spec;
            slot = s.slot;
            status = s.status;
            pid = s.pid;
            pidStartTime = s.pidStartTime;
            exitCode = s.exitCode;
            reason = s.reason;
            createdAt = s.createdAt;
            startedAt = s.startedAt;
            endedAt = s.endedAt;
            lastActivityAt = s.lastActivityAt;
            stalledSince = s.stalledSince;
            escalationLevel = s.escalationLevel;
            outputBytes = s.outputBytes;
            outputChunks = s.outputChunks;
            agent = s.agent;
            activity = s.activity;
        }

        public Builder spec(SessionSpec v) { spec = v; return this; }
        public Builder slot(Integer v) { slot = v; return this; }
        public Builder status(SessionStatus v) { status = v; return this; }
        public Builder pid(Integer v) { pid = v; return this; }
        public Builder pidStartTime(Long v) { pidStartTime = v; return this; }
        public Builder exitCode(Integer v) { exitCode = v; return this; }
        public Builder reason(String v) { reason = v; return this; }
        public Builder createdAt(Instant v) { createdAt = v; return this; }
        public Builder startedAt(Instant v) { startedAt = v; return this; }
        public Builder endedAt(Instant v) { endedAt = v; return this; }
        public Builder lastActivityAt(Instant v) { lastActivityAt = v; return this; }
        public Builder stalledSince(Instant v) { stalledSince = v; return this; }
        public Builder escalationLevel(int v) { escalationLevel = v; return this; }
        public Builder outputBytes(long v) { outputBytes = v; return this; }
        public Builder outputChunks(long v) { outputChunks = v; return this; }
        public Builder agent(AgentUsage v) { agent = v; return this; }
        public Builder activity(AgentActivity v) { activity = v; return this; }

        public Session build() {
            return new Session(id, spec, slot, status, pid, pidStartTime, exitCode, reason, createdAt, startedAt, endedAt,
                    lastActivityAt, stalledSince, escalationLevel, outputBytes, outputChunks, agent, activity);
        }
    }
}
