package dev.agentharness.supervisor.internal.process;

import jakarta.inject.Inject;
import java.util.Map;
import java.util.TreeMap;

/**
 * The environment every agent inherits before its spec's overrides: the harness's own. A class of
 * its own so that it is injected, not read from {@code System.getenv()} all over the place.
 */
public final class HarnessEnvironment {
    /** Every agent's own session id; inherited by everything it starts. */
    public static final String SESSION_ID = "HARNESS_SESSION_ID";

    private final Map<String, String> variables;

    @Inject
    public HarnessEnvironment() {
        this(System.getenv());
    }

    public HarnessEnvironment(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    /**
     * The harness environment, then the spec's overrides, then {@code HARNESS_SESSION_ID} and
     * {@code HARNESS_SLOT}. The values may be secrets: never log the result, only its keys.
     */
    public Map<String, String> forAgent(Map<String, String> overrides, String sessionId, int slot) {
        Map<String, String> env = new TreeMap<>(variables);
        env.putAll(overrides);
        env.put(SESSION_ID, sessionId);
        env.put("HARNESS_SLOT", Integer.toString(slot));
        return env;
    }

    /** The harness's own PATH (may be null). */
    public String path() {
        return variables.get("PATH");
    }
}
