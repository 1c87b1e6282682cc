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
    private final AgentLaunches launches;

    @Inject
    public RestartSpecs(SessionStore sessions, AgentLaunches launches) {
        this.sessions = sessions;
        this.launches = launches;
    }

    /** The same command again, a new conversation (with a fresh agent session id where the harness chose one). */
    public SessionSpec restartOf(Session previous) {
        return named(previous, launches.prepare(previous.spec().asRestartOf(previous.id(), previous.spec().restartCount() + 1)
                .toBuilder().resumeOf(null).build(), true));
    }

    /**
     * A new session that continues {@code previous}'s agent conversation with {@code prompt} (null:
     * the agent's convention), in the same cwd with the same environment and limits; linked by
     * {@code resumeOf} and, like a restart, by {@code restartOf} (which names it).
     *
     * @throws dev.agentharness.core.error.HarnessException when it cannot be resumed
     */
    public SessionSpec resumeOf(Session previous, String prompt) {
        SessionSpec next = previous.spec().asRestartOf(previous.id(), previous.spec().restartCount() + 1)
                .withCommand(launches.resumeCommand(previous, prompt))
                .toBuilder()
                .agent(launches.profileOf(previous).name())
                .resumeOf(previous.id())
                .agentSessionId(previous.agent().agentSessionId())
                .build();
        return named(previous, next);
    }

    private SessionSpec named(Session previous, SessionSpec next) {
        SessionSpec spec = previous.spec();
        int count = next.restartCount();
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
