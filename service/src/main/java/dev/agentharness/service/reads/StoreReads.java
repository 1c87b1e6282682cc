package dev.agentharness.service.reads;

import dev.agentharness.core.AgentCostTotals;
import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionEvent;
import dev.agentharness.core.SessionQuery;
import dev.agentharness.core.SessionStats;
import dev.agentharness.core.store.EventStore;
import dev.agentharness.core.store.OutputStore;
import dev.agentharness.core.store.SessionStore;
import dev.agentharness.service.OutputPage;
import dev.agentharness.service.OutputQuery;
import dev.agentharness.service.ScreenSnapshot;
import dev.agentharness.service.SessionReads;
import dev.agentharness.service.lookup.SessionResolver;
import dev.agentharness.service.screen.StoredScreen;
import dev.agentharness.terminal.PromptDetector;
import dev.agentharness.terminal.PromptRules;
import dev.agentharness.terminal.Screen;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The reads, served from the database. The daemon and client processes use the same class: SQLite
 * in WAL mode lets any number of readers read while keepers write, so a read never needs the
 * daemon, and works while none runs.
 */
public final class StoreReads implements SessionReads {
    /** Chunks per store read while filling a page. */
    private static final int PAGE_CHUNKS = 256;

    private final SessionStore sessions;
    private final OutputStore outputs;
    private final EventStore events;
    private final PromptRules promptRules;

    public StoreReads(SessionStore sessions, OutputStore outputs, EventStore events, PromptRules promptRules) {
        this.sessions = sessions;
        this.outputs = outputs;
        this.events = events;
        this.promptRules = promptRules;
    }

    @Override
    public List<Session> sessions(SessionQuery query) {
        return sessions.list(query);
    }

    @Override
    public Session session(String session) {
        return new SessionResolver(sessions).resolve(session);
    }

    @Override
    public OutputPage output(String session, OutputQuery query) {
        String id = session(session).id();
        if (query.afterSeq() != null) {
            return after(id, query.afterSeq(), query.maxBytes());
        }
        if (query.lastLines() != null) {
            return lastLines(id, query.lastLines(), query.maxBytes());
        }
        return bounded(outputs.getBySessionSince(id, query.since()), query.maxBytes(), 0);
    }

    /** Whole chunks after the cursor; the first always, even when it alone passes the limit, so that a reader moves on. */
    private OutputPage after(String id, long afterSeq, int maxBytes) {
        List<OutputChunk> page = new ArrayList<>();
        long bytes = 0;
        long cursor = afterSeq;
        while (true) {
            List<OutputChunk> read = outputs.after(id, cursor, PAGE_CHUNKS);
            for (OutputChunk c : read) {
                if (!page.isEmpty() && bytes + c.data().length > maxBytes) {
                    return new OutputPage(page, cursor, true);
                }
                page.add(c);
                bytes += c.data().length;
                cursor = c.seq();
            }
            if (read.size() < PAGE_CHUNKS) {
                return new OutputPage(page, cursor, false);
            }
        }
    }

    /**
     * The newest whole chunks that hold the last {@code n} lines (the first may hold more: callers
     * that show lines cut it), within the byte limit.
     */
    private OutputPage lastLines(String id, int n, int maxBytes) {
        Deque<OutputChunk> picked = new ArrayDeque<>();
        long bytes = 0;
        int newlines = 0;
        boolean truncated = false;
        int limit = PAGE_CHUNKS;
        List<OutputChunk> newestFirst = outputs.getBySession(id, limit);
        long last = newestFirst.isEmpty() ? 0 : newestFirst.get(0).seq();
        outer:
        while (true) {
            for (OutputChunk c : newestFirst) {
                if (!picked.isEmpty() && c.seq() >= picked.peekFirst().seq()) {
                    continue; // read before this (longer) read; output that arrived since is not ours
                }
                if (!picked.isEmpty() && bytes + c.data().length > maxBytes) {
                    truncated = true;
                    break outer;
                }
                picked.addFirst(c);
                bytes += c.data().length;
                newlines += countNewlines(c.data(), picked.size() == 1);
                if (newlines >= n) {
                    break outer;
                }
            }
            if (newestFirst.size() < limit) {
                break;
            }
            limit *= 4;
            newestFirst = outputs.getBySession(id, limit);
        }
        return new OutputPage(new ArrayList<>(picked), last, truncated);
    }

    /** Newlines that end lines; a final newline of the newest chunk ends the last line, not a new one. */
    private static int countNewlines(byte[] data, boolean newest) {
        int n = 0;
        for (int i = 0; i < data.length; i++) {
            if (data[i] == '\n' && !(newest && i == data.length - 1)) {
                n++;
            }
        }
        return newest ? n + 1 : n;
    }

    private static OutputPage bounded(List<OutputChunk> chunks, int maxBytes, long afterSeq) {
        List<OutputChunk> page = new ArrayList<>();
        long bytes = 0;
        long cursor = afterSeq;
        for (OutputChunk c : chunks) {
            if (!page.isEmpty() && bytes + c.data().length > maxBytes) {
                return new OutputPage(page, cursor, true);
            }
            page.add(c);
            bytes += c.data().length;
            cursor = c.seq();
        }
        return new OutputPage(page, cursor, false);
    }

    @Override
    public ScreenSnapshot screen(String session) {
        Session s = session(session);
        StoredScreen.Replayed replayed = new StoredScreen(outputs, events).replay(s);
        Screen screen = replayed.emulator().screen();
        return new ScreenSnapshot(s, screen, new PromptDetector(promptRules).detect(screen).orElse(null), replayed.lastSeq());
    }

    @Override
    public List<SessionEvent> events(String session, long afterSeq, int limit) {
        List<SessionEvent> out = new ArrayList<>();
        for (SessionEvent e : events.list(session(session).id())) {
            if (e.seq() > afterSeq) {
                out.add(e);
                if (limit > 0 && out.size() >= limit) {
                    break;
                }
            }
        }
        return out;
    }

    @Override
    public SessionStats stats(String project) {
        return project == null ? sessions.stats() : sessions.stats(project);
    }

    @Override
    public AgentCostTotals costTotals(SessionQuery query) {
        return sessions.costTotals(query);
    }
}
