package dev.agentharness.mcp;

import dev.agentharness.core.AgentCostTotals;
import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionEvent;
import dev.agentharness.core.SessionQuery;
import dev.agentharness.core.SessionStats;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.core.error.NoFreeSlotException;
import dev.agentharness.core.error.NoSuchSessionException;
import dev.agentharness.core.error.SessionNotActiveException;
import dev.agentharness.service.HarnessService;
import dev.agentharness.service.Interest;
import dev.agentharness.service.LiveListener;
import dev.agentharness.service.OutputPage;
import dev.agentharness.service.OutputQuery;
import dev.agentharness.service.ScreenSnapshot;
import dev.agentharness.service.StartRequest;
import dev.agentharness.service.Subscription;
import dev.agentharness.terminal.Prompt;
import dev.agentharness.terminal.Screen;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A HarnessService in memory, for the tool layer's own tests (argument parsing, schemas, error
 * mapping); the end-to-end test (McpIT in the cli module) runs the real one.
 */
class FakeHarnessService implements HarnessService {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    final Map<String, Session> sessions = new LinkedHashMap<>();
    final List<OutputChunk> output = new ArrayList<>();
    final List<StartRequest> starts = new ArrayList<>();
    final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    final List<String> calls = new ArrayList<>();
    final BlockingQueue<Session> changes = new LinkedBlockingQueue<>();
    ScreenSnapshot screen;
    boolean closed;
    OutputQuery lastQuery;
    int slotsFree = 3;

    Session add(String id, String name, SessionStatus status, boolean tty) {
        var spec = dev.agentharness.core.SessionSpec.builder(List.of("cat"), "/tmp").name(name)
                .terminal(tty ? TerminalSize.DEFAULT : null).interactive(true).env(Map.of("SECRET", "v")).build();
        Session s = Session.starting(id, spec, 1, T0).toBuilder().status(status).build();
        sessions.put(id, s);
        return s;
    }

    @Override
    public Session start(StartRequest request) {
        starts.add(request);
        if (slotsFree == 0) {
            throw new NoFreeSlotException(Map.of(1, "a", 2, "b", 3, "c"), null);
        }
        Session s = Session.starting("01NEW" + starts.size(), request.spec(), 1, T0);
        sessions.put(s.id(), s);
        return s;
    }

    @Override
    public Session stop(String session, Duration grace, boolean force) {
        Session s = session(session);
        calls.add("stop " + s.id() + " " + grace + " " + force);
        if (!s.isActive()) {
            throw new SessionNotActiveException(s.label(), s.status(), "stop");
        }
        Session stopped = s.toBuilder().status(SessionStatus.STOPPED).build();
        sessions.put(s.id(), stopped);
        return stopped;
    }

    @Override
    public Session pause(String session) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Session resume(String session) {
        Session s = session(session);
        calls.add("resume " + s.id());
        return s.toBuilder().status(SessionStatus.RUNNING).build();
    }

    @Override
    public Session restart(String session, Map<String, String> env) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Session resumeConversation(String session, String prompt) {
        Session s = session(session);
        calls.add("resumeConversation " + s.id() + " " + prompt);
        return add("01RESUMED", null, SessionStatus.STARTING, false);
    }

    @Override
    public void send(String session, byte[] bytes, boolean close) {
        session(session);
        sent.writeBytes(bytes);
        closed |= close;
    }

    @Override
    public void resize(String session, TerminalSize size) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Session> sessions(SessionQuery query) {
        return sessions.values().stream()
                .filter(s -> query.statuses().isEmpty() || query.statuses().contains(s.status()))
                .limit(query.limit() == 0 ? Long.MAX_VALUE : query.limit()).toList();
    }

    @Override
    public Session session(String ref) {
        if (sessions.containsKey(ref)) {
            return sessions.get(ref);
        }
        for (Session s : sessions.values()) {
            if (ref.equals(s.name())) {
                return s;
            }
        }
        List<Session> prefixed = sessions.values().stream().filter(s -> s.id().startsWith(ref)).toList();
        if (prefixed.size() == 1) {
            return prefixed.get(0);
        }
        throw new NoSuchSessionException(ref);
    }

    @Override
    public OutputPage output(String session, OutputQuery query) {
        lastQuery = query;
        String id = session(session).id();
        List<OutputChunk> mine = output.stream().filter(c -> c.sessionId().equals(id)).toList();
        long last = mine.isEmpty() ? 0 : mine.get(mine.size() - 1).seq();
        return new OutputPage(mine, last, false);
    }

    @Override
    public ScreenSnapshot screen(String session) {
        Session s = session(session);
        return screen != null ? screen : screen(s, List.of("$"), null, Screen.InputModes.NONE);
    }

    /** A screen showing these lines (cursor under the last), and this prompt. */
    static ScreenSnapshot screen(Session s, List<String> lines, Prompt prompt, Screen.InputModes modes) {
        List<String> rows = new ArrayList<>(lines);
        while (rows.size() < 40) {
            rows.add("");
        }
        return new ScreenSnapshot(s, new Screen(120, 40, rows, lines.size(), 0, "", false, true, modes), prompt, 7);
    }

    @Override
    public List<SessionEvent> events(String session, long afterSeq, int limit) {
        return List.of();
    }

    @Override
    public SessionStats stats(String project) {
        calls.add("stats " + project);
        return new SessionStats(Map.of(SessionStatus.COMPLETED, 2L, SessionStatus.FAILED, 1L), 3, 2 / 3.0,
                Duration.ofMillis(1500), 42, 4);
    }

    @Override
    public AgentCostTotals costTotals(SessionQuery query) {
        return AgentCostTotals.EMPTY;
    }

    @Override
    public Subscription subscribe(Interest interest, LiveListener listener) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Session> awaitChange(List<String> refs, Duration timeout) throws InterruptedException {
        calls.add("awaitChange " + refs);
        return Optional.ofNullable(changes.poll(timeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    void chunk(String sessionId, long seq, String text) {
        output.add(new OutputChunk(sessionId, seq, StreamType.STDOUT, T0, text));
    }
}
