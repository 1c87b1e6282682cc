package dev.agentharness.daemon.service;

import dev.agentharness.core.AgentCostTotals;
import dev.agentharness.core.Run;
import dev.agentharness.core.RunStatus;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionEvent;
import dev.agentharness.core.SessionQuery;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStats;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.core.error.UsageException;
import dev.agentharness.core.store.RunStore;
import dev.agentharness.core.store.SessionStore;
import dev.agentharness.service.HarnessService;
import dev.agentharness.service.Interest;
import dev.agentharness.service.LiveListener;
import dev.agentharness.service.OutputPage;
import dev.agentharness.service.OutputQuery;
import dev.agentharness.service.ScreenSnapshot;
import dev.agentharness.service.SessionReads;
import dev.agentharness.service.reads.ReadsDelegate;
import dev.agentharness.service.StartRequest;
import dev.agentharness.service.Subscription;
import dev.agentharness.service.bus.LiveBus;
import dev.agentharness.service.lookup.RunResolver;
import dev.agentharness.supervisor.StartOutcome;
import dev.agentharness.supervisor.Supervisor;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service inside the daemon: operations go to the supervisor, reads to the store, live updates
 * to the daemon's bus. The control socket's request handler and the web server both call this, so
 * a rule (which run a session joins, what resume means for a finished session) is written once.
 */
public final class LocalHarnessService extends ReadsDelegate implements HarnessService {
    private static final Logger log = LoggerFactory.getLogger(LocalHarnessService.class);

    private final Supervisor supervisor;
    private final SessionStore sessions;
    private final RunStore runs;
    private final LiveBus bus;
    private final Duration defaultGrace;

    public LocalHarnessService(Supervisor supervisor, SessionStore sessions, RunStore runs, SessionReads reads, LiveBus bus,
                               Duration defaultGrace) {
        super(reads);
        this.supervisor = supervisor;
        this.sessions = sessions;
        this.runs = runs;
        this.bus = bus;
        this.defaultGrace = defaultGrace;
    }

    public int slotCount() {
        return sessions.slotCount();
    }

    // ---- operations

    @Override
    public Session start(StartRequest request) {
        StartOutcome outcome = startOrQueue(request);
        if (!outcome.isQueued()) {
            return outcome.session();
        }
        try {
            return supervisor.whenDequeued(outcome.queued().id()).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException("interrupted while start request " + outcome.queued().id() + " waited for a slot");
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    /**
     * Starts now, or (when asked to) queues: the control socket uses this to tell its client the
     * queue id before it waits.
     */
    public StartOutcome startOrQueue(StartRequest request) {
        SessionSpec spec = prepare(request.spec());
        log.info("start{}: {}", request.queueWhenFull() ? " (wait)" : "", dev.agentharness.core.ControlChars.forLog(spec));
        if (!request.queueWhenFull()) {
            return new StartOutcome(supervisor.startSession(spec), null);
        }
        return supervisor.startOrQueue(spec);
    }

    /** Checks the slot asked for and puts the session in its run: the one named (which must be open), else the active one. */
    private SessionSpec prepare(SessionSpec spec) {
        if (spec.requestedSlot() != null && spec.requestedSlot() > sessions.slotCount()) {
            throw new UsageException("invalid slot " + spec.requestedSlot() + " (there are slots 1 to " + sessions.slotCount() + ")");
        }
        return spec.withRunId(runFor(spec.runId()));
    }

    private String runFor(String requested) {
        if (requested != null) {
            Run run = new RunResolver(runs).resolve(requested);
            if (run.status() != RunStatus.ACTIVE) {
                throw new UsageException("run " + run.id() + " is completed; start a new one with harness runs new");
            }
            return run.id();
        }
        return runs.getActiveRun().map(Run::id).orElse(null);
    }

    @Override
    public Session stop(String session, Duration grace, boolean force) {
        try {
            return stopAsync(session, grace, force).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException("interrupted while waiting for session " + session + " to stop (it is stopping)");
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    /** The stop's future, for callers that wait in their own way (the control socket notices a client leaving). */
    public java.util.concurrent.CompletableFuture<Session> stopAsync(String session, Duration grace, boolean force) {
        Session s = session(session);
        Duration g = grace == null ? defaultGrace : grace;
        log.info("stop {} (grace {}, force {})", s.id(), dev.agentharness.core.DurationFormat.format(g), force);
        return supervisor.stop(s.id(), g, force);
    }

    @Override
    public Session pause(String session) {
        return supervisor.pause(session(session).id());
    }

    @Override
    public Session resume(String session) {
        Session s = session(session);
        if (s.status().isTerminal()) {
            throw new UsageException("session " + s.label() + " is " + s.status().wireName()
                    + "; resume its conversation instead (harness resume SESSION [PROMPT])");
        }
        return supervisor.resume(s.id());
    }

    @Override
    public Session restart(String session, Map<String, String> env) {
        Session s = session(session);
        log.info("restart {} (envKeys from the caller: {})", s.id(), env == null ? 0 : env.size());
        return supervisor.restart(s.id(), env == null ? Map.of() : env);
    }

    @Override
    public Session resumeConversation(String session, String prompt) {
        Session s = session(session);
        log.info("resume the conversation of {}", s.id());
        return supervisor.resumeConversation(s.id(), prompt);
    }

    @Override
    public void send(String session, byte[] bytes, boolean close) {
        Session s = session(session);
        if (bytes.length > 0) {
            supervisor.send(s.id(), bytes);
        }
        if (close) {
            supervisor.closeStdin(s.id());
        }
    }

    @Override
    public void resize(String session, TerminalSize size) {
        supervisor.resize(session(session).id(), size);
    }

    // ---- live

    @Override
    public Subscription subscribe(Interest interest, LiveListener listener) {
        if (interest.sessionId() != null) {
            // Named by reference like everything else; the bus keys by id.
            interest = new Interest(session(interest.sessionId()).id(), interest.afterSeq(), interest.output());
        }
        return bus.subscribe(interest, listener);
    }

    /**
     * A session that has already ended will not change again: it is returned at once, so that an
     * orchestrator that asks after the end does not wait out its timeout.
     */
    @Override
    public Optional<Session> awaitChange(List<String> references, Duration timeout) throws InterruptedException {
        Set<String> ids = new LinkedHashSet<>();
        for (String ref : references) {
            ids.add(session(ref).id());
        }
        return bus.awaitChange(ids, timeout, () -> {
            for (String id : ids) {
                Session s = sessions.get(id).orElse(null);
                if (s != null && s.status().isTerminal()) {
                    return Optional.of(s);
                }
            }
            return Optional.empty();
        });
    }

    private static RuntimeException rethrow(Throwable cause) {
        while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RuntimeException r) {
            return r;
        }
        return new HarnessException(String.valueOf(cause.getMessage()), cause);
    }
}
