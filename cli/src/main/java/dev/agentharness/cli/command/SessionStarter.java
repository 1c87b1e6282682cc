package dev.agentharness.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentharness.cli.control.ControlClient;
import dev.agentharness.cli.control.ControlProtocol;
import dev.agentharness.cli.control.WireSpec;
import dev.agentharness.cli.format.JsonViews.SessionView;
import dev.agentharness.core.SessionSpec;

/** Sends a start request and reads back the session it made. */
final class SessionStarter {
    private SessionStarter() {
    }

    static SessionView start(ControlClient client, SessionSpec spec, boolean wait) {
        ObjectNode request = client.request(ControlProtocol.OP_START);
        request.set("spec", WireSpec.toJson(spec, client.mapper()));
        request.put("wait", wait);
        JsonNode response = client.call(request);
        return client.read(response, "session", SessionView.class);
    }

    /** Whether the agent never got going: the spawn itself failed. */
    static boolean failedToSpawn(SessionView s) {
        return "failed".equals(s.status()) && s.startedAt() == null;
    }
}
