package dev.agentharness.supervisor.internal.watch;

import dev.agentharness.core.AgentActivity;
import dev.agentharness.core.Session;
import dev.agentharness.core.store.SessionStore;
import dev.agentharness.supervisor.internal.lifecycle.LiveSession;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the agents' hooks reported, as the watchdog sees it. {@code harness hook} writes reports into
 * the session's row from the agent's own process tree; the watchdog reads the row of each terminal
 * session that runs an agent with hooks. Once a hook has reported for a session, the hooks decide
 * its checkpoints and the screen patterns are no longer asked (they remain the fallback until then:
 * Claude Code's trust menu comes before its first hook).
 */
@Singleton
public final class HookActivity {
    private final SessionStore sessions;
    /** The time of the last report acted on, per session; absent: no report yet. */
    private final Map<String, Instant> seen = new ConcurrentHashMap<>();

    @Inject
    public HookActivity(SessionStore sessions) {
        this.sessions = sessions;
    }

    /** Whether the hooks decide this session's checkpoints: a hook has reported for it. */
    boolean follows(LiveSession s) {
        if (seen.containsKey(s.id())) {
            return true;
        }
        if (!s.spec().tty() || !"claude".equals(s.spec().agent())) {
            return false;
        }
        return current(s).isPresent();
    }

    /** The latest report if it is newer than the last one taken, which it then is. */
    Optional<AgentActivity> newReport(LiveSession s) {
        Optional<AgentActivity> a = current(s);
        if (a.isEmpty()) {
            return Optional.empty();
        }
        Instant before = seen.get(s.id());
        if (before != null && !a.get().at().isAfter(before)) {
            return Optional.empty();
        }
        seen.put(s.id(), a.get().at());
        return a;
    }

    private Optional<AgentActivity> current(LiveSession s) {
        return sessions.get(s.id()).map(Session::activity);
    }

    void retainOnly(Set<String> ids) {
        seen.keySet().retainAll(ids);
    }
}
