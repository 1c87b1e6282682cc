package dev.agentharness.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentharness.service.wire.ControlClient;
import dev.agentharness.service.wire.ControlProtocol;
import dev.agentharness.service.wire.WireSpec;
import dev.agentharness.service.view.JsonViews.SessionView;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.error.DaemonUnavailableException;

/** Sends a start request and reads back the session it made; also reads what a restart made. */
final class SessionStarter {
    private SessionStarter() {
    }

    static Started start(ControlClient client, SessionSpec spec, boolean wait, java.io.PrintStream err) {
        ObjectNode request = client.request(ControlProtocol.OP_START);
        request.set("spec", WireSpec.toJson(spec, client::mapper));
        request.put("wait", wait);
        if (!wait) {
            return Started.of(client.call(request));
        }
        request.put("progress", true);
        JsonNode answer = client.call(request);
        if (!answer.has("queued")) {
            return Started.of(answer);
        }
        long id = answer.path("queued").path("id").asLong();
        err.println("harness: every slot is busy; start request " + id + " is queued and waits for a slot"
                + " (harness queue lists it; harness queue cancel " + id + " withdraws it)");
        try {
            return Started.of(client.next());
        } catch (DaemonUnavailableException e) {
            // Not re-run by the user: the request is durable and the next daemon starts it.
            throw new DaemonUnavailableException("lost the daemon while waiting for a slot (" + e.getMessage()
                    + "); start request " + id + " stays queued and starts when a daemon runs again; do not run"
                    + " it again (harness queue lists it; harness queue cancel " + id + " withdraws it)", e);
        }
    }

    /**
     * The answer to a start request: the session, a {@link SessionView} on the wire. Its few fields
     * that {@code start} and {@code run} print are read straight from the tree; mapping it to a
     * {@code SessionView} takes an {@code ObjectMapper}, which costs a command that has just started
     * its JVM tens of milliseconds, so only {@code --json} does ({@link #view}).
     */
    record Started(JsonNode response) {
        /** The session in an answer of the daemon's (to start or restart). */
        static Started of(JsonNode response) {
            JsonNode session = response.get("session");
            if (session == null || !session.isObject() || !session.path("id").isTextual()) {
                throw new DaemonUnavailableException("the daemon's answer has an unexpected 'session' field");
            }
            return new Started(response);
        }

        String id() {
            return text("id");
        }

        /** The name if it has one, otherwise the id (as {@link SessionView#label()}). */
        String label() {
            String name = text("name");
            return name != null ? name : id();
        }

        Integer slot() {
            JsonNode slot = session().get("slot");
            return slot != null && slot.canConvertToInt() ? slot.intValue() : null;
        }

        String reason() {
            return text("reason");
        }

        /** Whether the agent never got going: the spawn itself failed. */
        boolean failedToSpawn() {
            return "failed".equals(text("status")) && text("startedAt") == null;
        }

        /** The whole session, for {@code --json}. */
        SessionView view(ControlClient client) {
            return client.read(response, "session", SessionView.class);
        }

        private JsonNode session() {
            return response.get("session");
        }

        private String text(String field) {
            JsonNode value = session().get(field);
            return value == null || value.isNull() ? null : value.asText();
        }
    }
}
