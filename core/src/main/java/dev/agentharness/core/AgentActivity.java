package dev.agentharness.core;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * What an agent last said it is doing, through its own hooks (Claude Code's PreToolUse, Notification,
 * Stop...): exact where the screen can only be guessed at. The session's status stays the harness's
 * (running, waiting_checkpoint...); this is the agent's word next to it.
 *
 * @param state  working, waiting (for a permission or for input) or idle (its turn is over)
 * @param detail one line: the tool it is using, what it waits for; null when there is nothing to say
 * @param at     when the hook reported it
 */
public record AgentActivity(State state, String detail, Instant at) {

    public enum State {
        /** Running a turn: a prompt was submitted, a tool is about to run or has just run. */
        WORKING,
        /** Asking for something: a permission, or input after a long wait (Claude Code's Notification). */
        WAITING,
        /** Its turn ended (Stop); it sits at its prompt. */
        IDLE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static State fromWireName(String text) {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        }
    }

    public AgentActivity {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(at, "at");
    }
}
