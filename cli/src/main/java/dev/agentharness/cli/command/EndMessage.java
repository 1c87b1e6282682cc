package dev.agentharness.cli.command;

import dev.agentharness.core.Session;

/** "session build-api completed (exit 0)": how a follower reports the end of a session. */
final class EndMessage {
    private EndMessage() {
    }

    static String of(Session s) {
        StringBuilder b = new StringBuilder("session ").append(s.label()).append(' ').append(s.status().wireName());
        if (s.exitCode() != null) {
            b.append(" (exit ").append(s.exitCode()).append(')');
        }
        if (s.reason() != null && !s.reason().isBlank()) {
            b.append(": ").append(s.reason().strip().replaceAll("\\s*[\\r\\n]+\\s*", "; "));
        }
        return b.toString();
    }
}
