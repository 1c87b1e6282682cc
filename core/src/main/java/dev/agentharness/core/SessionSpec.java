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
        Map<String, Object> metadata) {

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
    }

    public static SessionSpec of(List<String> command, String cwd) {
        return new SessionSpec(null, command, cwd, Map.of(), null, null, null, null, RestartPolicy.NO, null, 0, Map.of());
    }

    public SessionSpec withName(String newName) {
        return new SessionSpec(newName, command, cwd, env, requestedSlot, runId, maxRuntime, stallTimeout, restartPolicy, restartOf, restartCount, metadata);
    }

    public SessionSpec withEnv(Map<String, String> newEnv) {
        return new SessionSpec(name, command, cwd, newEnv, requestedSlot, runId, maxRuntime, stallTimeout, restartPolicy, restartOf, restartCount, metadata);
    }

    public SessionSpec withRequestedSlot(Integer slot) {
        return new SessionSpec(name, command, cwd, env, slot, runId, maxRuntime, stallTimeout, restartPolicy, restartOf, restartCount, metadata);
    }

    public SessionSpec withRunId(String newRunId) {
        return new SessionSpec(name, command, cwd, env, requestedSlot, newRunId, maxRuntime, stallTimeout, restartPolicy, restartOf, restartCount, metadata);
    }

    public SessionSpec withLimits(Duration newMaxRuntime, Duration newStallTimeout) {
        return new SessionSpec(name, command, cwd, env, requestedSlot, runId, newMaxRuntime, newStallTimeout, restartPolicy, restartOf, restartCount, metadata);
    }

    public SessionSpec withRestartPolicy(RestartPolicy policy) {
        return new SessionSpec(name, command, cwd, env, requestedSlot, runId, maxRuntime, stallTimeout, policy, restartOf, restartCount, metadata);
    }

    /** The spec of a restart of session {@code previousId}, the {@code count}-th in its chain. */
    public SessionSpec asRestartOf(String previousId, int count) {
        return new SessionSpec(name, command, cwd, env, requestedSlot, runId, maxRuntime, stallTimeout, restartPolicy, previousId, count, metadata);
    }

    public SessionSpec withMetadata(Map<String, Object> newMetadata) {
        return new SessionSpec(name, command, cwd, env, requestedSlot, runId, maxRuntime, stallTimeout, restartPolicy, restartOf, restartCount, newMetadata);
    }

    @Override
    public String toString() {
        return "SessionSpec[name=" + name + ", command=" + command + ", cwd=" + cwd + ", envKeys=" + env.keySet()
                + ", requestedSlot=" + requestedSlot + ", runId=" + runId + ", maxRuntime=" + maxRuntime
                + ", stallTimeout=" + stallTimeout + ", restartPolicy=" + restartPolicy + ", restartOf=" + restartOf
                + ", restartCount=" + restartCount + ", metadataKeys=" + metadata.keySet() + "]";
    }
}
