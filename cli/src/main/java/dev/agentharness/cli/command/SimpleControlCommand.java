package dev.agentharness.cli.command;

import dev.agentharness.service.wire.ControlClient;
import dev.agentharness.service.view.JsonViews.SessionView;

/** pause and resume: one request about one session, answered with the session. */
final class SimpleControlCommand {
    private SimpleControlCommand() {
    }

    static SessionView call(CommandContext ctx, String op, String session) {
        try (ControlClient client = DaemonRequired.forSession(ctx, session)) {
            return client.read(client.call(client.request(op).put("session", session)), "session", SessionView.class);
        }
    }
}
