package dev.agentharness.service.lookup;

import dev.agentharness.core.error.UsageException;
import dev.agentharness.core.Session;
import dev.agentharness.core.error.AmbiguousSessionException;
import dev.agentharness.core.error.NoSuchSessionException;
import dev.agentharness.core.store.SessionStore;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Finds the one session a user means. In order: the exact id, the exact name, the id it had in a
 * legacy sessions.json that {@code import-legacy} read ({@code sess-001}), then a unique id prefix
 * (case-insensitive). A name therefore wins over an id prefix that happens to spell it, which is
 * why names that look like ids are refused.
 */
public final class SessionResolver {
    private static final int SHOWN_MATCHES = 5;

    private final SessionStore sessions;

    public SessionResolver(SessionStore sessions) {
        this.sessions = sessions;
    }

    /**
     * @throws NoSuchSessionException when nothing matches
     * @throws AmbiguousSessionException when the prefix matches several sessions
     */
    public Session resolve(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new UsageException("a session id, id prefix or name is required");
        }
        String ref = reference.strip();
        var exact = sessions.get(ref);
        if (exact.isPresent()) {
            return exact.get();
        }
        var named = sessions.getByName(ref);
        if (named.isPresent()) {
            return named.get();
        }
        var legacy = sessions.getByLegacyId(ref);
        if (legacy.isPresent()) {
            return legacy.get();
        }
        List<Session> matches = sessions.findByIdPrefix(ref, SHOWN_MATCHES + 1);
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.isEmpty()) {
            throw new NoSuchSessionException(ref);
        }
        List<String> ids = matches.stream().limit(SHOWN_MATCHES).map(Session::id).collect(Collectors.toList());
        if (matches.size() > SHOWN_MATCHES) {
            ids.add("...");
        }
        throw new AmbiguousSessionException(ref, ids);
    }
}
