package dev.agentharness.cli.command;

import dev.agentharness.core.ControlChars;
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
        // "exited with code 7" would only repeat the exit code just printed.
        boolean onlyRepeatsExitCode = s.exitCode() != null && ("exited with code " + s.exitCode()).equals(s.reason());
        if (s.reason() != null && !s.reason().isBlank() && !onlyRepeatsExitCode) {
            b.append(": ").append(ControlChars.forLog(s.reason().strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ")));
        }
        return b.toString();
    }
}
