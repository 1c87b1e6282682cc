package dev.agentharness.supervisor.internal.lifecycle;

import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.store.SessionStore;
import jakarta.inject.Inject;
import java.util.regex.Pattern;

/**
 * The spec of a restart: the same spec, linked to the session it restarts ({@code restartOf},
 * {@code restartCount + 1}). Names are unique among stored sessions and the old session keeps its
 * name, so a named session's restart is called {@code <name>-r<count>} (then {@code -2}, {@code -3}...
 * should that be taken too).
 */
public final class RestartSpecs {
    private static final Pattern RESTART_SUFFIX = Pattern.compile("-r\\d+(-\\d+)?$");

    private final SessionStore sessions;

    @Inject
    public RestartSpecs(SessionStore sessions) {
        this.sessions = sessions;
    }

    public SessionSpec restartOf(Session previous) {
        SessionSpec spec = previous.spec();
        int count = spec.restartCount() + 1;
        SessionSpec next = spec.asRestartOf(previous.id(), count);
        if (spec.name() == null) {
            return next;
        }
        String base = spec.restartOf() != null ? RESTART_SUFFIX.matcher(spec.name()).replaceFirst("") : spec.name();
        String name = base + "-r" + count;
        for (int i = 2; sessions.getByName(name).isPresent(); i++) {
            name = base + "-r" + count + "-" + i;
        }
        return next.withName(name);
    }
}
