package dev.agentharness.cli.command;

import dev.agentharness.service.wire.ControlClient;
import dev.agentharness.service.lookup.SessionResolver;
import dev.agentharness.core.error.DaemonUnavailableException;
import dev.agentharness.store.SqliteStores;
import java.util.Optional;

/**
 * For commands that act on a live agent through the daemon (send, stop, pause, resume). When no
 * daemon runs, the session is still looked up in the store so that a wrong name reports "no such
 * session" (exit 4) rather than a daemon problem.
 */
final class DaemonRequired {
    private DaemonRequired() {
    }

    static ControlClient forSession(CommandContext ctx, String reference) {
        Optional<ControlClient> client = ctx.tryDaemon();
        if (client.isPresent()) {
            return client.get();
        }
        String label;
        try (SqliteStores stores = ctx.openStoresToRead()) {
            label = new SessionResolver(stores.sessions()).resolve(reference).label();
        }
        throw new DaemonUnavailableException("no daemon is running on " + ctx.home() + ", so session " + label
                + " cannot be reached (a daemon starting now would reconcile it; see harness recover)");
    }
}
