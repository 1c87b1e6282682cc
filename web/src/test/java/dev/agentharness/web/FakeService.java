package dev.agentharness.web;

import dev.agentharness.core.AgentCostTotals;
import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionEvent;
import dev.agentharness.core.SessionQuery;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStats;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.core.error.NoSuchSessionException;
import dev.agentharness.service.HarnessService;
import dev.agentharness.service.Interest;
import dev.agentharness.service.LiveListener;
import dev.agentharness.service.OutputPage;
import dev.agentharness.service.OutputQuery;
import dev.agentharness.service.ScreenSnapshot;
import dev.agentharness.service.StartRequest;
import dev.agentharness.service.Subscription;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A service in memory, with a bus that delivers on the caller's thread: enough to drive the web
 * server's routing, JSON and live socket without a daemon. What the server asked of it is recorded.
 * Subscribing and committing exclude each other, so that a subscriber misses nothing, as on the real bus.
 */
final class FakeService implements HarnessService {
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

    final List<Session> sessions = new CopyOnWriteArrayList<>();
    final List<OutputChunk> chunks = new CopyOnWriteArrayList<>();
    final List<StartRequest> started = new CopyOnWriteArrayList<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<byte[]> sent = new CopyOnWriteArrayList<>();
    final List<Sub> subscriptions = new CopyOnWriteArrayList<>();
    volatile RuntimeException failStartWith;
    volatile ScreenSnapshot screen;

    record Sub(Interest interest, LiveListener listener, boolean[] closed) implements Subscription {
        @Override
        public void close() {
            closed[0] = true;
        }

        boolean open() {
            return !closed[0];
        }
    }

    Session add(String id, String name, int slot, SessionStatus status, TerminalSize tty) {
        SessionSpec spec = SessionSpec.builder(List.of("sh", "-c", "echo hi"), "/tmp").name(name).terminal(tty)
                .env(Map.of("SECRET", "hunter2")).build();
        Session s = Session.starting(id, spec, slot, T0).toBuilder().status(status).startedAt(T0).build();
        sessions.add(s);
        return s;
    }

    /** Commits a chunk: stored, then pushed to every open subscription that wants it. */
    synchronized void commit(String id, String text) {
        long seq = chunks.stream().filter(c -> c.sessionId().equals(id)).count() + 1;
        OutputChunk c = new OutputChunk(id, seq, StreamType.STDOUT, Instant.now(), text);
        chunks.add(c);
        for (Sub sub : subscriptions) {
            Interest i = sub.interest();
            if (sub.open() && i.output() && (i.sessionId() == null || i.sessionId().equals(id))) {
                sub.listener().output(c);
            }
        }
    }

    synchronized void change(Session s) {
        sessions.replaceAll(x -> x.id().equals(s.id()) ? s : x);
        for (Sub sub : subscriptions) {
            if (sub.open() && (sub.interest().sessionId() == null || sub.interest().sessionId().equals(s.id()))) {
                sub.listener().changed(s);
            }
        }
    }

    @Override
    public synchronized Subscription subscribe(Interest interest, LiveListener listener) {
        Sub sub = new Sub(interest, listener, new boolean[1]);
        if (interest.sessionId() != null && interest.output()) {
            for (OutputChunk c : chunks) {
                if (c.sessionId().equals(interest.sessionId()) && c.seq() > interest.afterSeq()) {
                    listener.output(c);
                }
            }
        }
        subscriptions.add(sub);
        return sub;
    }

    @Override
    public Optional<Session> awaitChange(List<String> refs, Duration timeout) {
        return Optional.empty();
    }

    @Override
    public Session start(StartRequest request) {
        if (failStartWith != null) {
            throw failStartWith;
        }
        started.add(request);
        Integer slot = request.spec().requestedSlot();
        Session s = Session.starting("01NEW" + started.size(), request.spec(), slot == null ? 1 : slot, T0);
        sessions.add(s);
        return s;
    }

    private Session update(String ref, String call, Function<Session, Session> f) {
        calls.add(call + " " + ref);
        Session s = f.apply(session(ref));
        change(s);
        return s;
    }

    @Override
    public Session stop(String ref, Duration grace, boolean force) {
        return update(ref, "stop force=" + force + " grace=" + grace,
                s -> s.toBuilder().status(SessionStatus.STOPPED).endedAt(T0.plusSeconds(1)).build());
    }

    @Override
    public Session pause(String ref) {
        return update(ref, "pause", s -> s.toBuilder().status(SessionStatus.PAUSED).build());
    }

    @Override
    public Session resume(String ref) {
        return update(ref, "resume", s -> s.toBuilder().status(SessionStatus.RUNNING).build());
    }

    @Override
    public Session restart(String ref, Map<String, String> env) {
        Session old = session(ref);
        calls.add("restart " + ref);
        return start(StartRequest.now(old.spec().asRestartOf(old.id(), 1)));
    }

    @Override
    public Session resumeConversation(String ref, String prompt) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void send(String ref, byte[] bytes, boolean close) {
        session(ref);
        calls.add("send " + ref + " close=" + close);
        sent.add(bytes);
    }

    @Override
    public void resize(String ref, TerminalSize size) {
        session(ref);
        calls.add("resize " + ref + " " + size);
    }

    @Override
    public List<Session> sessions(SessionQuery query) {
        List<Session> out = new ArrayList<>();
        for (Session s : sessions) {
            if (query.statuses().isEmpty() || query.statuses().contains(s.status())) {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public Session session(String ref) {
        for (Session s : sessions) {
            if (s.id().equals(ref) || ref.equals(s.name())) {
                return s;
            }
        }
        throw new NoSuchSessionException(ref);
    }

    @Override
    public OutputPage output(String ref, OutputQuery query) {
        String id = session(ref).id();
        List<OutputChunk> page = chunks.stream().filter(c -> c.sessionId().equals(id) && c.seq() > query.afterSeq()).toList();
        return new OutputPage(page, page.isEmpty() ? query.afterSeq() : page.get(page.size() - 1).seq(), false);
    }

    @Override
    public ScreenSnapshot screen(String ref) {
        session(ref);
        return screen;
    }

    @Override
    public List<SessionEvent> events(String ref, long afterSeq, int limit) {
        return List.of();
    }

    @Override
    public SessionStats stats(String project) {
        return new SessionStats(Map.of(SessionStatus.RUNNING, 1L), 1, 0, Duration.ZERO, 10, 2);
    }

    @Override
    public AgentCostTotals costTotals(SessionQuery query) {
        return AgentCostTotals.EMPTY;
    }
}
