package dev.agentharness.web.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.core.error.ErrorKind;
import dev.agentharness.service.HarnessService;
import dev.agentharness.service.Interest;
import dev.agentharness.service.LiveListener;
import dev.agentharness.service.Subscription;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One page's live connection. It hears of every session's changes from the moment it opens, and of
 * the output of the sessions the page watches, each from the seq the page already has: a page that
 * reconnects says where it was and gets the rest, no gap, no double.
 *
 * <pre>
 * page → server  {"type":"watch","session":ID,"after":SEQ}   output of ID after SEQ, then live
 *                {"type":"unwatch","session":ID}
 *                {"type":"input","session":ID,"data":BASE64}  keystrokes (SessionOperations.send)
 *                {"type":"resize","session":ID,"cols":N,"rows":N}
 * server → page  {"type":"output","session":ID,"seq":N,"stream":"stdout","ts":ISO,"data":BASE64}
 *                {"type":"session","session":{...}}           a session's row changed
 *                {"type":"error","session":ID,"code":C,"message":M}
 * </pre>
 *
 * <p>The bus calls the listeners on its own threads and must not wait: every message is queued on
 * the connection without blocking. A page that reads too slowly overflows that queue (see
 * {@link dev.agentharness.web.WebServer}'s outgoing-frame limit) and is disconnected; it reconnects
 * and resumes from its last seq, so nothing is lost, only delayed.
 */
public final class LiveSocket implements Session.Listener.AutoDemanding {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSocket.class);

    private final HarnessService service;
    private final Clock clock;
    private final Map<String, Subscription> watched = new HashMap<>();
    private Subscription changes;
    private Session session;
    private boolean closed;

    public LiveSocket(HarnessService service, Clock clock) {
        this.service = service;
        this.clock = clock;
    }

    @Override
    public void onWebSocketOpen(Session s) {
        synchronized (this) {
            session = s;
        }
        Subscription sub = service.subscribe(Interest.changesOnly(), new Listener(false));
        synchronized (this) {
            if (closed) {
                sub.close();
            } else {
                changes = sub;
            }
        }
    }

    @Override
    public void onWebSocketText(String message) {
        JsonNode m;
        try {
            m = Responses.MAPPER.readTree(message);
        } catch (Exception e) {
            error(null, "bad_request", "malformed JSON");
            return;
        }
        String type = m.path("type").asText("");
        String id = m.path("session").asText(null);
        if (id == null) {
            error(null, "bad_request", "a message names its session");
            return;
        }
        try {
            switch (type) {
                case "watch" -> watch(id, Math.max(0, m.path("after").asLong(0)));
                case "unwatch" -> unwatch(id);
                case "input" -> service.send(id, Base64.getDecoder().decode(m.path("data").asText("")), false);
                case "resize" -> service.resize(id, new TerminalSize(m.path("cols").asInt(), m.path("rows").asInt()));
                default -> error(id, "bad_request", "unknown message type '" + type + "'");
            }
        } catch (Exception e) {
            ErrorKind kind = ErrorKind.of(e);
            if (kind == ErrorKind.INTERNAL) {
                LOG.warn("web: live {} for {} failed", type, id, e);
            }
            error(id, kind.socketCode(), kind == ErrorKind.INTERNAL ? "internal error" : e.getMessage());
        }
    }

    private void watch(String id, long after) {
        unwatch(id);
        Subscription sub = service.subscribe(Interest.output(id, after), new Listener(true));
        Subscription old;
        synchronized (this) {
            if (closed) {
                sub.close();
                return;
            }
            old = watched.put(id, sub);
        }
        if (old != null) {
            old.close();
        }
    }

    private void unwatch(String id) {
        Subscription old;
        synchronized (this) {
            old = watched.remove(id);
        }
        if (old != null) {
            old.close();
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        closeAll();
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.debug("web: live connection failed", cause);
        closeAll();
    }

    private void closeAll() {
        Map<String, Subscription> subs;
        Subscription c;
        synchronized (this) {
            closed = true;
            subs = new HashMap<>(watched);
            watched.clear();
            c = changes;
            changes = null;
        }
        subs.values().forEach(Subscription::close);
        if (c != null) {
            c.close();
        }
    }

    private void error(String id, String code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "error");
        m.put("session", id);
        m.put("code", code);
        m.put("message", message);
        send(m);
    }

    /** Queues one message, in the order of the calls; never blocks. */
    private void send(Object message) {
        String text;
        try {
            text = Responses.MAPPER.writeValueAsString(message);
        } catch (Exception e) {
            LOG.warn("web: cannot write a live message", e);
            return;
        }
        synchronized (this) {
            if (closed || session == null) {
                return;
            }
            session.sendText(text, Callback.from(() -> { }, this::overflowed));
        }
    }

    private void overflowed(Throwable cause) {
        Session s;
        synchronized (this) {
            s = session;
        }
        LOG.debug("web: a live page could not keep up; disconnecting it (it resumes from its last seq)", cause);
        if (s != null && s.isOpen()) {
            s.close(StatusCode.TRY_AGAIN_LATER, "too slow; reconnect", Callback.NOOP);
        }
    }

    /** Output from a watch, changes from the one changes-only subscription: each told once. */
    private final class Listener implements LiveListener {
        private final boolean forOutput;

        Listener(boolean forOutput) {
            this.forOutput = forOutput;
        }

        @Override
        public void output(OutputChunk chunk) {
            if (forOutput) {
                send(WebJson.ChunkView.of(chunk));
            }
        }

        @Override
        public void changed(dev.agentharness.core.Session s) {
            if (!forOutput) {
                send(WebJson.SessionMessage.of(s, clock.instant()));
            }
        }

        @Override
        public void dropped(String reason) {
            // The page resumes from its last seq when it reconnects.
            overflowed(new IllegalStateException(reason));
        }
    }
}
