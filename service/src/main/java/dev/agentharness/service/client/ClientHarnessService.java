package dev.agentharness.service.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentharness.core.AgentCostTotals;
import dev.agentharness.core.DurationFormat;
import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionEvent;
import dev.agentharness.core.SessionQuery;
import dev.agentharness.core.SessionStats;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.core.error.DaemonUnavailableException;
import dev.agentharness.core.error.UsageException;
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
import dev.agentharness.service.wire.ControlClient;
import dev.agentharness.service.wire.ControlProtocol;
import dev.agentharness.service.wire.WireSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The service as a process other than the daemon sees it ({@code harness mcp}, the CLI): reads
 * come straight from the database, as every read-only command does; operations and live updates go
 * over the daemon's control socket, one connection each, so that a long wait never blocks another
 * call.
 *
 * <p>Sessions in answers are read back from the store by id after the daemon answered, so callers
 * get the same {@link Session} a local read would give.
 */
public final class ClientHarnessService extends ReadsDelegate implements HarnessService {
    private final Supplier<ControlClient> daemon;

    /**
     * @param reads  the reads, over stores this process opened
     * @param daemon a connection to the daemon, started first if none runs (the CLI's launcher)
     */
    public ClientHarnessService(SessionReads reads, Supplier<ControlClient> daemon) {
        super(reads);
        this.daemon = daemon;
    }

    // ---- operations

    @Override
    public Session start(StartRequest request) {
        try (ControlClient c = daemon.get()) {
            ObjectNode r = c.request(ControlProtocol.OP_START).put("wait", request.queueWhenFull());
            r.set("spec", WireSpec.toJson(request.spec(), c::mapper));
            return sessionOf(c.call(r));
        }
    }

    @Override
    public Session stop(String session, Duration grace, boolean force) {
        try (ControlClient c = daemon.get()) {
            ObjectNode r = c.request(ControlProtocol.OP_STOP).put("session", session).put("force", force);
            if (grace != null) {
                r.put("grace", DurationFormat.format(grace));
            }
            return sessionOf(c.call(r));
        }
    }

    @Override
    public Session pause(String session) {
        return simple(ControlProtocol.OP_PAUSE, session);
    }

    @Override
    public Session resume(String session) {
        Session s = reads.session(session);
        if (s.status().isTerminal()) {
            throw new UsageException("session " + s.label() + " is " + s.status().wireName()
                    + "; resume its conversation instead (harness resume SESSION [PROMPT])");
        }
        return simple(ControlProtocol.OP_RESUME, s.id());
    }

    @Override
    public Session restart(String session, Map<String, String> env) {
        try (ControlClient c = daemon.get()) {
            ObjectNode r = c.request(ControlProtocol.OP_RESTART).put("session", session);
            if (env != null && !env.isEmpty()) {
                ObjectNode e = r.putObject("env");
                env.forEach(e::put);
            }
            return sessionOf(c.call(r));
        }
    }

    @Override
    public Session resumeConversation(String session, String prompt) {
        Session s = reads.session(session);
        if (!s.status().isTerminal()) {
            throw new UsageException("session " + s.label() + " is " + s.status().wireName()
                    + "; only a finished session's conversation can be resumed (send writes to a running agent)");
        }
        try (ControlClient c = daemon.get()) {
            ObjectNode r = c.request(ControlProtocol.OP_RESUME).put("session", s.id());
            if (prompt != null) {
                r.put("prompt", prompt);
            }
            return sessionOf(c.call(r));
        }
    }

    @Override
    public void send(String session, byte[] bytes, boolean close) {
        try (ControlClient c = daemon.get()) {
            // Requests are bounded (ControlProtocol.MAX_REQUEST_BYTES): long input goes in pieces.
            int piece = 48 * 1024;
            for (int off = 0; off < bytes.length; off += piece) {
                int len = Math.min(piece, bytes.length - off);
                byte[] part = java.util.Arrays.copyOfRange(bytes, off, off + len);
                c.call(c.request(ControlProtocol.OP_SEND).put("session", session)
                        .put("base64", Base64.getEncoder().encodeToString(part)));
            }
            if (close) {
                c.call(c.request(ControlProtocol.OP_SEND).put("session", session).put("close", true));
            }
        }
    }

    @Override
    public void resize(String session, TerminalSize size) {
        try (ControlClient c = daemon.get()) {
            c.call(c.request(ControlProtocol.OP_RESIZE).put("session", session).put("size", size.toString()));
        }
    }

    private Session simple(String op, String session) {
        try (ControlClient c = daemon.get()) {
            return sessionOf(c.call(c.request(op).put("session", session)));
        }
    }

    private Session sessionOf(JsonNode response) {
        return reads.session(response.path("session").path("id").asText());
    }

    // ---- live

    /**
     * A connection of its own, read by a thread of its own. Changes arrive as sessions read back
     * from the store. When the daemon goes away the listener hears {@code dropped}.
     */
    @Override
    public Subscription subscribe(Interest interest, LiveListener listener) {
        ControlClient c = daemon.get();
        ObjectNode r = c.request(ControlProtocol.OP_SUBSCRIBE);
        if (interest.sessionId() != null) {
            r.put("session", interest.sessionId()).put("after", Math.max(0, interest.afterSeq()));
        } else {
            r.put("output", interest.output());
        }
        JsonNode first;
        try {
            first = c.call(r);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        Thread reader = new Thread(() -> {
            JsonNode line = first;
            try {
                while (true) {
                    if (line.has("output")) {
                        JsonNode o = line.get("output");
                        listener.output(new OutputChunk(o.path("session").asText(), o.path("seq").asLong(),
                                StreamType.fromWireName(o.path("stream").asText()), Instant.parse(o.path("at").asText()),
                                Base64.getDecoder().decode(o.path("data").asText())));
                    } else if (line.has("changed")) {
                        String id = line.get("changed").path("id").asText();
                        listener.changed(reads.session(id));
                    } else if (line.has("dropped")) {
                        listener.dropped(line.get("dropped").asText());
                        return;
                    }
                    line = c.next();
                }
            } catch (DaemonUnavailableException e) {
                listener.dropped("the daemon went away");
            } catch (RuntimeException e) {
                listener.dropped(String.valueOf(e.getMessage()));
            } finally {
                c.close();
            }
        }, "harness-subscription");
        reader.setDaemon(true);
        reader.start();
        return c::close;
    }

    @Override
    public Optional<Session> awaitChange(List<String> sessions, Duration timeout) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (String ref : sessions) {
            ids.add(reads.session(ref).id());
        }
        LinkedBlockingQueue<Optional<Session>> changes = new LinkedBlockingQueue<>();
        try (Subscription ignored = subscribe(Interest.changesOnly(), new LiveListener() {
            @Override
            public void output(OutputChunk chunk) {
            }

            @Override
            public void changed(Session session) {
                if (ids.isEmpty() || ids.contains(session.id())) {
                    changes.add(Optional.of(session));
                }
            }

            @Override
            public void dropped(String reason) {
                changes.add(Optional.empty());
            }
        })) {
            // Subscribed: a session that ended before this will not change again; say so at once.
            for (String id : ids) {
                Session s = reads.session(id);
                if (s.status().isTerminal()) {
                    return Optional.of(s);
                }
            }
            Optional<Session> next = changes.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (next != null && next.isEmpty()) {
                throw new DaemonUnavailableException("the daemon went away while waiting for a change");
            }
            return next == null ? Optional.empty() : next;
        }
    }
}
