package dev.agentharness.service.screen;

import dev.agentharness.core.EventType;
import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionEvent;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.core.store.EventStore;
import dev.agentharness.core.store.OutputStore;
import dev.agentharness.terminal.ScreenEmulator;
import dev.agentharness.terminal.ScreenEmulators;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * A session's screen, rebuilt from what the store holds: every chunk of output in seq order fed to
 * a {@link ScreenEmulator}, at the sizes the terminal had when each was written (the session's
 * starting size, then each resize, by time: an {@code input} event's {@code resize}). Needs neither the daemon nor the agent.
 */
public final class StoredScreen {
    private static final int PAGE = 1000;

    private final OutputStore outputs;
    private final EventStore events;

    public StoredScreen(OutputStore outputs, EventStore events) {
        this.outputs = outputs;
        this.events = events;
    }

    /**
     * @param emulator the emulator fed
     * @param lastSeq  the seq of the last chunk fed, to follow from
     */
    public record Replayed(ScreenEmulator emulator, long lastSeq) {
    }

    public Replayed replay(Session session) {
        TerminalSize start = session.spec().terminal() != null ? session.spec().terminal() : TerminalSize.DEFAULT;
        ScreenEmulator emulator = ScreenEmulators.create(start);
        Deque<SessionEvent> resizes = new ArrayDeque<>();
        for (SessionEvent e : events.list(session.id())) {
            if (e.type() == EventType.INPUT && e.data().containsKey("resize")) {
                resizes.add(e);
            }
        }
        long seq = 0;
        while (true) {
            List<OutputChunk> page = outputs.after(session.id(), seq, PAGE);
            for (OutputChunk c : page) {
                while (!resizes.isEmpty() && !resizes.peek().timestamp().isAfter(c.timestamp())) {
                    apply(resizes.poll(), emulator);
                }
                emulator.feed(c.text());
                seq = c.seq();
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        while (!resizes.isEmpty()) {
            apply(resizes.poll(), emulator);
        }
        return new Replayed(emulator, seq);
    }

    private static void apply(SessionEvent resize, ScreenEmulator emulator) {
        Object size = resize.data().get("resize");
        if (size != null) {
            try {
                emulator.resize(TerminalSize.parse(size.toString()));
            } catch (IllegalArgumentException ignored) {
                // a malformed event changes nothing; the output is still shown
            }
        }
    }
}
