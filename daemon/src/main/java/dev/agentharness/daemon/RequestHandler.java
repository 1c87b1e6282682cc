package dev.agentharness.daemon;

import dev.agentharness.core.error.ShuttingDownException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentharness.core.error.UsageException;
import dev.agentharness.service.HarnessVersion;
import dev.agentharness.core.error.BadRequestException;
import dev.agentharness.service.wire.ControlProtocol;
import dev.agentharness.core.error.ErrorKind;
import dev.agentharness.service.wire.JsonFields;
import dev.agentharness.service.wire.WireSpec;
import dev.agentharness.service.view.JsonViews.SessionView;
import dev.agentharness.core.ControlChars;
import dev.agentharness.core.DurationFormat;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.core.error.AmbiguousSessionException;
import dev.agentharness.core.error.DuplicateNameException;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.core.error.NoSuchSessionException;
import dev.agentharness.core.error.SessionNotActiveException;
import dev.agentharness.core.error.SpawnException;
import dev.agentharness.core.store.StartQueue;
import dev.agentharness.supervisor.StartOutcome;
import dev.agentharness.supervisor.Supervisor;
import dev.agentharness.daemon.service.LocalHarnessService;
import dev.agentharness.service.Interest;
import dev.agentharness.service.LiveListener;
import dev.agentharness.service.StartRequest;
import dev.agentharness.service.Subscription;
import dev.agentharness.core.OutputChunk;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one control request line. Everything is validated here, whatever the client claims:
 * a malformed or hostile request gets an error answer and never takes the daemon down.
 *
 * <p>Session references (id, id prefix, name) are resolved here against the store, so clients need
 * not open the database to address a session.
 */
public final class RequestHandler {
    private static final Logger log = LoggerFactory.getLogger(RequestHandler.class);

    private final LocalHarnessService service;
    private final Supervisor supervisor;
    private final StartQueue queue;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final DaemonControl daemon;
    private final CommandHost commands;
    /** Queued starts that a client waits for, by queue id: completed exceptionally when the request is cancelled. */
    private final java.util.Map<Long, java.util.concurrent.CompletableFuture<Session>> cancellations =
            new java.util.concurrent.ConcurrentHashMap<>();

    public RequestHandler(LocalHarnessService service, Supervisor supervisor, StartQueue queue,
                          ObjectMapper mapper, Clock clock, DaemonControl daemon) {
        this(service, supervisor, queue, mapper, clock, daemon, CommandHost.NONE);
    }

    public RequestHandler(LocalHarnessService service, Supervisor supervisor, StartQueue queue,
                          ObjectMapper mapper, Clock clock, DaemonControl daemon, CommandHost commands) {
        this.commands = commands;
        this.service = service;
        this.supervisor = supervisor;
        this.queue = queue;
        this.mapper = mapper;
        this.clock = clock;
        this.daemon = daemon;
    }

    /**
     * @return the response line, or null when the client went away and no answer is due
     */
    public String handle(String line, Waiter waiter) {
        String op = "?";
        try {
            JsonNode request = parse(line);
            op = JsonFields.requireText(request, "op");
            if (daemon.isShuttingDown() && !op.equals(ControlProtocol.OP_PING)) {
                throw new ShuttingDownException("the daemon is shutting down");
            }
            return write(dispatch(op, request, waiter));
        } catch (ClientGoneException e) {
            log.info("{}: client disconnected while waiting", ControlChars.forLog(op));
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(ErrorKind.SHUTTING_DOWN, "the daemon is shutting down");
        } catch (Throwable e) {
            return failure(op, unwrap(e));
        }
    }

    private JsonNode parse(String line) {
        JsonNode request;
        try {
            request = mapper.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BadRequestException("malformed JSON: " + e.getOriginalMessage());
        }
        if (request == null || !request.isObject()) {
            throw new BadRequestException("a request must be one JSON object per line");
        }
        return request;
    }

    private ObjectNode dispatch(String op, JsonNode request, Waiter waiter) throws Exception {
        return switch (op) {
            case ControlProtocol.OP_PING -> ping();
            case ControlProtocol.OP_START -> start(request, waiter);
            case ControlProtocol.OP_STOP -> stop(request, waiter);
            case ControlProtocol.OP_PAUSE -> withSession(service.pause(sessionRef(request)));
            case ControlProtocol.OP_RESUME -> resume(request);
            case ControlProtocol.OP_RESTART -> restart(request);
            case ControlProtocol.OP_SEND -> send(request);
            case ControlProtocol.OP_RESIZE -> resize(request);
            case ControlProtocol.OP_RECOVER -> recover();
            case ControlProtocol.OP_SHUTDOWN -> shutdown(request);
            case ControlProtocol.OP_QUEUE_CANCEL -> cancelQueued(request);
            case ControlProtocol.OP_SUBSCRIBE -> subscribe(request, waiter);
            case ControlProtocol.OP_WEB -> web(request);
            case ControlProtocol.OP_COMMAND -> command(request, waiter);
            default -> throw new BadRequestException("unknown op '" + op + "'");
        };
    }

    private ObjectNode ping() {
        ObjectNode r = ok();
        r.put("pid", daemon.pid());
        r.put("version", HarnessVersion.current());
        r.put("startedAt", daemon.startedAt().toString());
        r.put("slots", service.slotCount());
        r.set("startupReport", mapper.valueToTree(daemon.startupReport()));
        return r;
    }

    private ObjectNode start(JsonNode request, Waiter waiter) throws Exception {
        SessionSpec spec = WireSpec.fromJson(JsonFields.requireObject(request, "spec"), mapper);
        boolean wait = JsonFields.optionalBoolean(request, "wait");
        StartOutcome outcome = service.startOrQueue(new StartRequest(spec, wait));
        if (!outcome.isQueued()) {
            return withSession(outcome.session());
        }
        long queueId = outcome.queued().id();
        log.info("start request {} queued: no free slot", queueId);
        java.util.concurrent.CompletableFuture<Session> cancelled = new java.util.concurrent.CompletableFuture<>();
        cancellations.put(queueId, cancelled);
        if (JsonFields.optionalBoolean(request, "progress")) {
            // The client learns the id now, so that it can say which request stays queued if this daemon dies.
            ObjectNode queued = ok();
            queued.putObject("queued").put("id", queueId);
            try {
                waiter.progress(write(queued));
            } catch (java.io.IOException gone) {
                cancellations.remove(queueId);
                if (queue.remove(queueId)) {
                    log.info("start request {} withdrawn: its client disconnected", queueId);
                }
                throw new ClientGoneException();
            }
        }
        Session started;
        try {
            started = waiter.await(supervisor.whenDequeued(queueId).applyToEither(cancelled, s -> s), () -> {
                // A daemon that shuts down drops its connections; the queue outlives it on purpose.
                if (!daemon.isShuttingDown() && queue.remove(queueId)) {
                    log.info("start request {} withdrawn: its client disconnected", queueId);
                }
            }, daemon::isShuttingDown);
        } catch (CancellationException e) {
            throw new ShuttingDownException("the daemon is shutting down; start request " + queueId
                    + " stays queued and starts when a daemon runs again");
        } finally {
            cancellations.remove(queueId);
        }
        return withSession(started);
    }

    private ObjectNode stop(JsonNode request, Waiter waiter) throws Exception {
        String graceText = JsonFields.optionalText(request, "grace");
        Duration grace = graceText == null ? null : DurationFormat.parse(graceText);
        boolean force = JsonFields.optionalBoolean(request, "force");
        // A client that leaves does not cancel the stop: the signal has been sent.
        Session ended = waiter.await(service.stopAsync(sessionRef(request), grace, force), () -> { }, () -> false);
        return withSession(ended);
    }

    private ObjectNode restart(JsonNode request) {
        java.util.Map<String, String> env = new java.util.TreeMap<>();
        JsonNode envNode = request.get("env");
        if (envNode != null && !envNode.isNull()) {
            if (!envNode.isObject()) {
                throw new BadRequestException("field 'env' must be an object of strings");
            }
            for (var it = envNode.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!e.getValue().isTextual() || e.getKey().isEmpty() || e.getKey().indexOf('=') >= 0) {
                    throw new BadRequestException("field 'env' must map variable names to strings");
                }
                env.put(e.getKey(), e.getValue().asText());
            }
        }
        return withSession(service.restart(sessionRef(request), env));
    }

    /**
     * A paused session gets SIGCONT; a finished one's agent conversation continues in a new session
     * ({@code "resumed":"signal"} or {@code "conversation"} says which).
     */
    private ObjectNode resume(JsonNode request) {
        Session s = service.session(sessionRef(request));
        String prompt = JsonFields.optionalText(request, "prompt");
        if (s.status().isTerminal()) {
            ObjectNode r = withSession(service.resumeConversation(s.id(), prompt));
            r.put("resumed", "conversation");
            return r;
        }
        if (prompt != null) {
            throw new UsageException("session " + s.label() + " is " + s.status().wireName() + "; a prompt resumes a finished "
                    + "session's conversation (harness send writes to a running agent)");
        }
        ObjectNode r = withSession(service.resume(s.id()));
        r.put("resumed", "signal");
        return r;
    }

    private ObjectNode send(JsonNode request) {
        String session = sessionRef(request);
        String text = JsonFields.optionalText(request, "text");
        String base64 = JsonFields.optionalText(request, "base64");
        boolean close = JsonFields.optionalBoolean(request, "close");
        if (text != null && base64 != null) {
            throw new BadRequestException("give either 'text' or 'base64', not both");
        }
        if (text == null && base64 == null && !close) {
            throw new BadRequestException("nothing to send: give 'text', 'base64' or 'close'");
        }
        byte[] bytes;
        try {
            bytes = text != null ? text.getBytes(StandardCharsets.UTF_8)
                    : base64 != null ? Base64.getDecoder().decode(base64) : new byte[0];
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("field 'base64' is not valid base64");
        }
        service.send(session, bytes, close);
        ObjectNode r = ok();
        r.put("bytes", bytes.length);
        r.put("closed", close);
        return r;
    }

    /**
     * A CLI command line run here for the native client ({@link CommandHost}). What the command
     * prints goes out as it is flushed, as {@code {"out":BASE64}} and {@code {"err":BASE64}} lines.
     * A client that leaves does not stop the command: what it asked for (a start, a stop) is done.
     */
    private ObjectNode command(JsonNode request, Waiter waiter) {
        CommandHost.Call call = commandCall(request);
        commands.check(call);
        ProgressStream out = new ProgressStream(waiter, "out");
        ProgressStream err = new ProgressStream(waiter, "err");
        int exit = commands.run(call, out, err);
        ObjectNode r = ok();
        r.put("exit", exit);
        return r;
    }

    private static CommandHost.Call commandCall(JsonNode request) {
        JsonNode argsNode = request.get("args");
        if (argsNode == null || !argsNode.isArray()) {
            throw new BadRequestException("field 'args' must be an array of strings");
        }
        java.util.List<String> args = new java.util.ArrayList<>();
        for (JsonNode a : argsNode) {
            if (!a.isTextual()) {
                throw new BadRequestException("field 'args' must be an array of strings");
            }
            args.add(a.asText());
        }
        java.nio.file.Path cwd = absolutePath(JsonFields.requireText(request, "cwd"), "cwd");
        JsonNode envNode = request.get("env");
        if (envNode == null || !envNode.isObject()) {
            throw new BadRequestException("field 'env' must be an object of strings");
        }
        java.util.Map<String, String> env = new java.util.HashMap<>();
        for (var it = envNode.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isTextual()) {
                throw new BadRequestException("field 'env' must map variable names to strings");
            }
            env.put(e.getKey(), e.getValue().asText());
        }
        JsonNode jar = JsonFields.requireObject(request, "jar");
        return new CommandHost.Call(args, cwd, env, absolutePath(JsonFields.requireText(jar, "path"), "jar.path"),
                jar.path("size").asLong(-1), jar.path("mtime").asLong(-1));
    }

    private static java.nio.file.Path absolutePath(String text, String field) {
        try {
            java.nio.file.Path p = java.nio.file.Path.of(text);
            if (p.isAbsolute()) {
                return p;
            }
        } catch (java.nio.file.InvalidPathException e) {
            // Refused below.
        }
        throw new BadRequestException("field '" + field + "' must be an absolute path");
    }

    /** {@code {"op":"resize","session":"…","size":"COLSxROWS"}}: a terminal session's new size. */
    private ObjectNode resize(JsonNode request) {
        TerminalSize size = TerminalSize.parse(JsonFields.requireText(request, "size"));
        service.resize(sessionRef(request), size);
        ObjectNode r = ok();
        r.put("size", size.toString());
        return r;
    }

    private ObjectNode recover() {
        ObjectNode r = ok();
        r.set("report", mapper.valueToTree(Reports.view(supervisor.reconcile())));
        return r;
    }

    private ObjectNode cancelQueued(JsonNode request) {
        JsonNode idNode = request.get("id");
        if (idNode == null || !idNode.canConvertToLong()) {
            throw new BadRequestException("field 'id' must be a queued start request's id (a number)");
        }
        long id = idNode.asLong();
        if (!queue.remove(id)) {
            throw new HarnessException("no queued start request " + id + " (harness queue lists them)");
        }
        log.info("start request {} cancelled", id);
        var waiting = cancellations.remove(id);
        if (waiting != null) {
            waiting.completeExceptionally(new HarnessException("start request " + id + " was cancelled (harness queue cancel)"));
        }
        ObjectNode r = ok();
        r.put("id", id);
        return r;
    }

    private ObjectNode shutdown(JsonNode request) {
        if (request.path("keepAgents").asBoolean(false)) {
            daemon.requestShutdownKeepingAgents("harness shutdown --keep-agents");
        } else {
            daemon.requestShutdown("harness shutdown");
        }
        ObjectNode r = ok();
        r.put("pid", daemon.pid());
        return r;
    }

    private static String sessionRef(JsonNode request) {
        return JsonFields.requireText(request, "session");
    }

    /**
     * {@code {"op":"subscribe","session":"REF","after":SEQ}} (or no session: every session's
     * changes, {@code "output":true} adds their output): the connection becomes a stream of pushed
     * lines, {@code {"ok":true,"output":{"session","seq","stream","at","data"(base64)}}} and
     * {@code {"ok":true,"changed":SESSION}}, until the client closes it, the subscriber falls too
     * far behind ({@code {"ok":true,"dropped":"why"}}), or the daemon shuts down.
     */
    private ObjectNode subscribe(JsonNode request, Waiter waiter) throws Exception {
        String ref = JsonFields.optionalText(request, "session");
        JsonNode afterNode = request.get("after");
        if (afterNode != null && !afterNode.canConvertToLong()) {
            throw new BadRequestException("field 'after' must be a seq (a number)");
        }
        long after = afterNode == null ? 0 : afterNode.asLong();
        Interest interest = ref == null
                ? new Interest(null, -1, JsonFields.optionalBoolean(request, "output"))
                : Interest.output(ref, after);
        java.util.concurrent.CompletableFuture<String> ended = new java.util.concurrent.CompletableFuture<>();
        Object writeLock = new Object();
        LiveListener listener = new LiveListener() {
            @Override
            public void output(OutputChunk c) {
                ObjectNode r = ok();
                r.putObject("output").put("session", c.sessionId()).put("seq", c.seq()).put("stream", c.stream().wireName())
                        .put("at", c.timestamp().toString()).put("data", Base64.getEncoder().encodeToString(c.data()));
                push(r);
            }

            @Override
            public void changed(Session session) {
                ObjectNode r = ok();
                r.set("changed", mapper.valueToTree(SessionView.of(session, clock.instant())));
                push(r);
            }

            @Override
            public void dropped(String reason) {
                ended.complete(reason);
            }

            private void push(ObjectNode line) {
                try {
                    String text = write(line);
                    synchronized (writeLock) {
                        waiter.progress(text);
                    }
                } catch (java.io.IOException gone) {
                    ended.complete("the client went away");
                }
            }
        };
        Subscription subscription = service.subscribe(interest, listener);
        try {
            ObjectNode ack = ok();
            ack.put("subscribed", true);
            synchronized (writeLock) {
                waiter.progress(write(ack));
            }
            String reason = waiter.await(ended, subscription::close, daemon::isShuttingDown);
            ObjectNode r = ok();
            r.put("dropped", reason);
            return r;
        } catch (CancellationException shuttingDown) {
            throw new ShuttingDownException("the daemon is shutting down");
        } finally {
            subscription.close();
        }
    }

    private ObjectNode withSession(Session s) {
        ObjectNode r = ok();
        r.set("session", mapper.valueToTree(SessionView.of(s, clock.instant())));
        return r;
    }

    /** {@code {"op":"web","port":8080}}: the dashboard's address, with its token (the socket is the owner's alone). */
    private ObjectNode web(JsonNode request) {
        JsonNode port = request.get("port");
        if (port != null && !port.isNull() && !port.canConvertToInt()) {
            throw new BadRequestException("port: a whole number is needed");
        }
        String url = daemon.serveWeb(port == null || port.isNull() ? null : port.asInt());
        ObjectNode r = ok();
        r.put("url", url);
        return r;
    }

    private ObjectNode ok() {
        return mapper.createObjectNode().put("ok", true);
    }

    private String write(ObjectNode response) throws JsonProcessingException {
        return mapper.writeValueAsString(response);
    }

    private String failure(String op, Throwable e) {
        ErrorKind code = ErrorKind.of(e);
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        if (code == ErrorKind.INTERNAL) {
            log.error("{} failed", ControlChars.forLog(op), e);
            message = "internal error in the daemon: " + e.getClass().getSimpleName()
                    + (e.getMessage() != null ? ": " + e.getMessage() : "") + " (see daemon.log)";
        } else if (code == ErrorKind.NOT_HOSTED) {
            // Every tail or attach through the native client asks first: routine, not news for daemon.log.
            log.debug("{} not hosted: {}", ControlChars.forLog(op), ControlChars.forLog(message));
        } else {
            log.info("{} refused: {}", ControlChars.forLog(op), ControlChars.forLog(message));
        }
        return error(code, message);
    }

    private String error(ErrorKind code, String message) {
        ObjectNode r = mapper.createObjectNode().put("ok", false);
        r.putObject("error").put("code", code.socketCode()).put("message", message.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; "));
        try {
            return mapper.writeValueAsString(r);
        } catch (JsonProcessingException e) {
            return "{\"ok\":false,\"error\":{\"code\":\"error\",\"message\":\"unprintable error\"}}";
        }
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof ExecutionException || e instanceof CompletionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
