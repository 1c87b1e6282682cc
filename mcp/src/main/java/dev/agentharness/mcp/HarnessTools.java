package dev.agentharness.mcp;

import static dev.agentharness.mcp.Schemas.bool;
import static dev.agentharness.mcp.Schemas.enumeration;
import static dev.agentharness.mcp.Schemas.integer;
import static dev.agentharness.mcp.Schemas.object;
import static dev.agentharness.mcp.Schemas.props;
import static dev.agentharness.mcp.Schemas.string;
import static dev.agentharness.mcp.Schemas.stringMap;
import static dev.agentharness.mcp.Schemas.strings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.ProjectDirs;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionEvent;
import dev.agentharness.core.SessionQuery;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.core.DurationFormat;
import dev.agentharness.core.error.ErrorKind;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.service.view.JsonViews.SessionView;
import dev.agentharness.service.view.JsonViews.StatsView;
import dev.agentharness.service.HarnessService;
import dev.agentharness.service.OutputPage;
import dev.agentharness.service.OutputQuery;
import dev.agentharness.service.StartRequest;
import dev.agentharness.terminal.KeyEncoder;
import dev.agentharness.terminal.Prompt;
import dev.agentharness.terminal.Screen;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The harness's MCP tools: each a name, a description written for the model that will call it, an
 * input schema, and a handler that reads its arguments ({@link ToolArguments}), calls the
 * {@link HarnessService} and answers with JSON text. Names and arguments follow the GSD orchestration
 * harness's tools where they overlap (a session is {@code sessionId}: an id, an id prefix or a name;
 * {@code start_session} takes {@code command} as argv; {@code wait_for_state_change} takes
 * {@code sessionIds} and {@code timeout} in milliseconds), so orchestration prompts carry over.
 *
 * <p>Errors go through {@link ToolErrors}: bad arguments are JSON-RPC -32602, a refusal of the
 * harness is a result with {@code isError} and its one-line message.
 */
public final class HarnessTools {
    /** The longest {@code wait_for_state_change} takes: clients time out requests themselves. */
    public static final Duration MAX_WAIT = Duration.ofMinutes(10);
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    /**
     * A wait looks at the sessions again at least this often. The bus wakes it at once on a change;
     * the second look catches a change made between reading the sessions and subscribing.
     */
    static final Duration RECHECK = Duration.ofSeconds(2);
    static final int DEFAULT_LINES = 50;
    static final int MAX_BYTES = 1024 * 1024;
    static final int DEFAULT_LIST_LIMIT = 20;
    static final List<String> AGENTS = List.of("claude", "codex", "gemini", "aider", "generic");

    private static final String SESSION_ID = "The session: its id, a unique id prefix, or its name.";

    private final HarnessService service;
    private final Clock clock;
    private final Map<String, String> callerEnv;
    private final Path callerCwd;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, SyncToolSpecification> tools = new LinkedHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile long lastCallNanos = System.nanoTime();

    /**
     * @param callerEnv the environment a started agent inherits (the MCP server's own, as a process
     *                  started from the client's would), under the call's {@code env}
     * @param callerCwd where a relative {@code cwd} is taken from, and the default one
     */
    public HarnessTools(HarnessService service, Clock clock, Map<String, String> callerEnv, Path callerCwd) {
        this.service = service;
        this.clock = clock;
        this.callerEnv = Map.copyOf(callerEnv);
        this.callerCwd = callerCwd.toAbsolutePath().normalize();
        define();
    }

    /** Every tool, in the order a client lists them. */
    public List<SyncToolSpecification> specifications() {
        return List.copyOf(tools.values());
    }

    /** Calls a tool as the server would: the result, or a thrown {@code McpError} for a protocol error. */
    public CallToolResult call(String tool, Map<String, Object> arguments) {
        SyncToolSpecification spec = tools.get(tool);
        if (spec == null) {
            throw new IllegalArgumentException("no tool " + tool);
        }
        return spec.callHandler().apply(null, new io.modelcontextprotocol.spec.McpSchema.CallToolRequest(tool, arguments));
    }

    private void define() {
        add("start_session", "Start a session",
                "Start a command (an AI coding agent such as claude, codex, gemini or aider, or any program) in a free "
                        + "harness slot (there are three) and return the new session. The harness captures everything it "
                        + "prints. The command is an argv array, run as it is, never through a shell. Fails when every slot "
                        + "is busy. tty: true runs it on a pseudo-terminal (for an agent's interactive UI; read it with "
                        + "get_screen, type with send_input keys, answer its questions with respond_checkpoint).",
                object(props(
                        "command", strings("The program and its arguments, e.g. [\"claude\", \"-p\", \"fix the failing test\"].", 1),
                        "name", string("A unique name to refer to the session by, instead of its id."),
                        "cwd", string("The working directory (absolute, or relative to the MCP server's); default: the MCP server's."),
                        "env", stringMap("Environment variables for the agent, over the MCP server's environment."),
                        "tty", bool("Run on a pseudo-terminal (120x40), for an interactive agent UI. Default false."),
                        "interactive", bool("Pipes only: keep the agent's stdin open for send_input (default false: "
                                + "stdin is /dev/null). A tty session always takes input."),
                        "agent", enumeration("The agent profile (how its output and cost are read, how it resumes); "
                                + "default: from the program's name.", AGENTS)), "command"),
                false, false, this::startSession);
        add("list_sessions", "List sessions",
                "List the active sessions (by slot), or with all: true also the finished ones, newest first.",
                object(props(
                        "all", bool("Include finished sessions. Default false: only active ones."),
                        "limit", integer("At most this many (default 20 with all).", 1, 1000))),
                true, true, this::listSessions);
        add("get_session", "Get a session",
                "Everything about one session: status, exit code, command, slot, timing, bytes captured, and what its "
                        + "agent reported (model, cost, tokens, turns, result), plus its most recent events.",
                object(props(
                        "sessionId", string(SESSION_ID),
                        "events", integer("How many of the most recent events to include (default 20; 0 for none).", 0, 1000)),
                        "sessionId"),
                true, true, this::getSession);
        add("get_output", "Get a session's output",
                "A session's captured output (stdout and stderr in arrival order): the last N lines (default 50), "
                        + "or since a time, or after a cursor. Returns the text and nextAfterSeq: pass it as afterSeq next "
                        + "time to read on without gaps or repeats. Terminal escape sequences are removed unless raw. "
                        + "For a tty session, get_screen shows what its screen looks like now.",
                object(props(
                        "sessionId", string(SESSION_ID),
                        "lines", integer("The last N lines.", 1, 100_000),
                        "since", string("Output since this time: ISO-8601 (2025-01-31T12:00:00Z) or a duration ago (30s, 5m, 2h)."),
                        "afterSeq", integer("Output after this cursor (nextAfterSeq of a previous call; 0: from the start).", 0, Long.MAX_VALUE),
                        "maxBytes", integer("At most this many bytes (default 65536); truncated says there is more.", 1, MAX_BYTES),
                        "raw", bool("Keep terminal escape sequences and control characters. Default false.")),
                        "sessionId"),
                true, true, this::getOutput);
        add("get_screen", "Get a session's screen",
                "What a session's terminal shows now (rendered from its output): the visible lines, the cursor, and "
                        + "the question it waits on with its options, if any. Best for tty sessions.",
                object(props("sessionId", string(SESSION_ID)), "sessionId"),
                true, true, this::getScreen);
        add("send_input", "Send input to a session",
                "Write to a running session's input. text is written as it is (add enter: true to submit it); keys are "
                        + "tmux key names typed into its terminal: Enter, Tab, Escape, Space, BSpace, Up, Down, Left, Right, "
                        + "Home, End, PPage, NPage, F1-F12, C-c (Ctrl), M-x (Alt), S-Tab; any other word is typed as text. "
                        + "close: true closes a pipe session's stdin (end of file) after sending.",
                object(props(
                        "sessionId", string(SESSION_ID),
                        "text", string("Text to write as it is."),
                        "keys", strings("Key names or words, typed one after the other, e.g. [\"C-c\"] or [\"yes\", \"Enter\"].", 1),
                        "enter", bool("Press Enter after text (CR on a terminal, a newline on pipes). Default false."),
                        "close", bool("Close the agent's stdin afterwards (pipe sessions).")),
                        "sessionId"),
                false, false, this::sendInput);
        add("respond_checkpoint", "Answer a waiting session's question",
                "Answer the question a session waits on (status waiting_checkpoint; get_screen shows the question and "
                        + "its options): choice picks option N of a numbered menu or of (y/n) (1-based); text types an "
                        + "answer and Enter.",
                object(props(
                        "sessionId", string(SESSION_ID),
                        "choice", integer("The option's number, from 1.", 1, 99),
                        "text", string("A free-text answer; Enter is pressed after it.")),
                        "sessionId"),
                false, false, this::respondCheckpoint);
        add("wait_for_state_change", "Wait for a session to change state",
                "Block until one of the sessions changes state (its status, e.g. running to waiting_checkpoint or to "
                        + "completed) or the timeout passes; returns the session that changed, or changed: false. A named "
                        + "session that already needs you (it has ended, or waits for an answer: status waiting_checkpoint) "
                        + "returns at once with already: true; answer it or leave it out of sessionIds. An empty sessionIds "
                        + "waits for any session to change.",
                object(props(
                        "sessionIds", strings("The sessions to watch (ids, prefixes or names); empty for any.", 0),
                        "timeout", integer("How long to wait in milliseconds (default 30000, at most 600000).", 0, MAX_WAIT.toMillis())),
                        "sessionIds"),
                true, false, this::waitForStateChange);
        add("stop_session", "Stop a session",
                "Stop a running session: SIGTERM to its process group, SIGKILL after the grace period (default 10 s; "
                        + "force: SIGKILL at once). Waits until it has ended and returns it (status stopped).",
                object(props(
                        "sessionId", string(SESSION_ID),
                        "force", bool("SIGKILL at once."),
                        "graceMs", integer("Milliseconds between SIGTERM and SIGKILL (default 10000).", 0, 3_600_000)),
                        "sessionId"),
                false, true, this::stopSession);
        add("resume_session", "Resume a session",
                "Continue a session. A finished agent session (claude, codex, gemini, aider) continues its conversation "
                        + "in a new session, with prompt as the next message; a paused one gets SIGCONT. Returns the "
                        + "session that runs now.",
                object(props(
                        "sessionId", string(SESSION_ID),
                        "prompt", string("The next message for the agent (finished sessions only).")),
                        "sessionId"),
                false, false, this::resumeSession);
        add("get_stats", "Get statistics",
                "Totals over the stored sessions: counts by status, success rate, average duration, bytes captured, "
                        + "and agent cost and tokens; optionally for one project (a directory).",
                object(props("project", string("Only this project's sessions: a directory (its git work tree's root counts)."))),
                true, true, this::getStats);
    }

    private void add(String name, String title, String description, Map<String, Object> schema, boolean readOnly,
                     boolean idempotent, Function<ToolArguments, Object> handler) {
        @SuppressWarnings("unchecked")
        Set<String> fields = ((Map<String, Object>) schema.get("properties")).keySet();
        Tool tool = Tool.builder().name(name).title(title).description(description).inputSchema(schema)
                .annotations(ToolAnnotations.builder().title(title).readOnlyHint(readOnly)
                        .destructiveHint(name.equals("stop_session")).idempotentHint(idempotent).openWorldHint(false).build())
                .build();
        Set<String> known = Set.copyOf(fields);
        tools.put(name, SyncToolSpecification.builder().tool(tool)
                .callHandler((exchange, request) -> run(name, known, request.arguments(), handler)).build());
    }

    /**
     * Waits until no call has run for {@code quiet} (counted from now at the earliest), or {@code max}
     * has passed. A client that writes its requests and closes its end at once (a script) still gets
     * its answers: the requests read before the end of input are still being handled.
     */
    void awaitIdle(Duration quiet, Duration max) throws InterruptedException {
        lastCallNanos = Math.max(lastCallNanos, System.nanoTime());
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            if (inFlight.get() == 0 && System.nanoTime() - lastCallNanos >= quiet.toNanos()) {
                return;
            }
            Thread.sleep(20);
        }
    }

    private CallToolResult run(String name, Set<String> known, Map<String, Object> arguments,
                               Function<ToolArguments, Object> handler) {
        inFlight.incrementAndGet();
        lastCallNanos = System.nanoTime();
        try {
            return answer(name, known, arguments, handler);
        } finally {
            lastCallNanos = System.nanoTime();
            inFlight.decrementAndGet();
        }
    }

    private CallToolResult answer(String name, Set<String> known, Map<String, Object> arguments,
                                  Function<ToolArguments, Object> handler) {
        try {
            Object answer = handler.apply(new ToolArguments(name, arguments).only(known));
            return CallToolResult.builder().addTextContent(json.writeValueAsString(answer)).isError(false).build();
        } catch (RuntimeException | JsonProcessingException e) {
            return ToolErrors.toResult(name, e);
        }
    }

    // ---- the tools

    private Object startSession(ToolArguments a) {
        List<String> command = a.strings("command", true);
        if (command == null) {
            throw a.invalid("'command' is required");
        }
        String agent = a.string("agent");
        if (agent != null && !AGENTS.contains(agent)) {
            throw a.invalid("unknown agent '" + agent + "' (known: " + String.join(", ", AGENTS) + ")");
        }
        Path dir;
        String cwd = a.string("cwd");
        try {
            dir = cwd == null ? callerCwd : callerCwd.resolve(cwd).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw a.invalid("invalid cwd '" + cwd + "'");
        }
        if (!Files.isDirectory(dir)) {
            throw a.invalid("cwd " + dir + " is not a directory");
        }
        boolean tty = a.bool("tty", false);
        Map<String, String> env = new LinkedHashMap<>(callerEnv);
        if (tty) {
            // The caller's TERM describes the caller's terminal, not the harness's pseudo-terminal.
            env.remove("TERM");
        }
        Map<String, String> given = a.stringMap("env");
        if (given != null) {
            for (String key : given.keySet()) {
                if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw a.invalid("env: '" + key + "' is not a valid variable name");
                }
            }
            env.putAll(given);
        }
        String nul = SessionSpec.nulProblem(a.string("name"), command, dir.toString(), env);
        if (nul != null) {
            throw a.invalid(nul);
        }
        SessionSpec spec = SessionSpec.builder(command, dir.toString())
                .name(a.string("name") == null ? null : a.string("name").strip())
                .project(ProjectDirs.projectOf(dir.toString()))
                .env(env)
                .terminal(tty ? TerminalSize.DEFAULT : null)
                .interactive(tty || a.bool("interactive", false))
                .agent(agent)
                .build();
        Session s = service.start(StartRequest.now(spec));
        return Map.of("session", view(s));
    }

    private Object listSessions(ToolArguments a) {
        boolean all = a.bool("all", false);
        Long limit = a.integer("limit", 1, 1000);
        SessionQuery q = all ? SessionQuery.ALL.withLimit(limit == null ? DEFAULT_LIST_LIMIT : limit.intValue())
                : SessionQuery.byStatus(SessionStatus.ACTIVE).withLimit(limit == null ? 0 : limit.intValue());
        List<SessionView> views = service.sessions(q).stream().map(this::view).toList();
        return Map.of("count", views.size(), "sessions", views);
    }

    private Object getSession(ToolArguments a) {
        Session s = service.session(a.requiredString("sessionId"));
        Long n = a.integer("events", 0, 1000);
        int wanted = n == null ? 20 : n.intValue();
        List<SessionEvent> events = wanted == 0 ? List.of() : lastEvents(s.id(), wanted);
        return Map.of("session", SessionView.of(s, clock.instant(), events));
    }

    /** The service reads events oldest first after a cursor: page through, keeping the last {@code n}. */
    private List<SessionEvent> lastEvents(String id, int n) {
        java.util.ArrayDeque<SessionEvent> last = new java.util.ArrayDeque<>(n);
        long after = 0;
        while (true) {
            List<SessionEvent> page = service.events(id, after, 1000);
            for (SessionEvent e : page) {
                if (last.size() == n) {
                    last.removeFirst();
                }
                last.addLast(e);
                after = e.seq();
            }
            if (page.size() < 1000) {
                return new ArrayList<>(last);
            }
        }
    }

    private Object getOutput(ToolArguments a) {
        String ref = a.requiredString("sessionId");
        a.atMostOne("lines", "since", "afterSeq");
        Long max = a.integer("maxBytes", 1, MAX_BYTES);
        int maxBytes = max == null ? OutputQuery.DEFAULT_MAX_BYTES : max.intValue();
        OutputQuery q;
        if (a.has("afterSeq")) {
            q = OutputQuery.after(a.integer("afterSeq", 0, Long.MAX_VALUE), maxBytes);
        } else if (a.has("since")) {
            q = OutputQuery.since(since(a, a.string("since")), maxBytes);
        } else {
            Long lines = a.integer("lines", 1, 100_000);
            q = OutputQuery.lastLines(lines == null ? DEFAULT_LINES : lines.intValue(), maxBytes);
        }
        Session s = service.session(ref);
        OutputPage page = service.output(s.id(), q);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (OutputChunk c : page.chunks()) {
            bytes.writeBytes(c.data());
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sessionId", s.id());
        out.put("status", s.status().wireName());
        out.put("text", a.bool("raw", false) ? text : TerminalText.plain(text));
        out.put("nextAfterSeq", page.nextAfter());
        out.put("truncated", page.truncated());
        out.put("bytes", page.bytes());
        return out;
    }

    private Instant since(ToolArguments a, String text) {
        Instant now = clock.instant();
        try {
            return now.minus(DurationFormat.parse(text));
        } catch (IllegalArgumentException notADuration) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw a.invalid("since: '" + text + "' is neither a duration (30s, 5m, 2h) nor an ISO-8601 time (2025-01-31T12:00:00Z)");
            }
        }
    }

    private Object getScreen(ToolArguments a) {
        Session s = service.session(a.requiredString("sessionId"));
        ShownScreen screen = ShownScreen.of(service.screen(s.id()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sessionId", s.id());
        out.put("status", s.status().wireName());
        out.put("cols", screen.cols());
        out.put("rows", screen.rows());
        out.put("lines", screen.lines());
        out.put("cursor", Map.of("row", screen.cursorRow(), "col", screen.cursorCol(), "visible", screen.cursorVisible()));
        out.put("title", screen.title());
        out.put("alternateScreen", screen.alternateScreen());
        out.put("bracketedPaste", screen.modes().bracketedPaste());
        out.put("prompt", promptView(screen.prompt()));
        out.put("lastSeq", screen.lastSeq());
        return out;
    }

    /** As {@code harness screen --json}'s {@code prompt}. */
    private static Map<String, Object> promptView(Prompt p) {
        if (p == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", p.kind());
        m.put("question", p.question());
        m.put("options", p.options());
        m.put("selected", p.selected());
        return m;
    }

    private Object sendInput(ToolArguments a) {
        String ref = a.requiredString("sessionId");
        a.atMostOne("text", "keys");
        String text = a.text("text");
        List<String> keys = a.strings("keys", true);
        boolean enter = a.bool("enter", false);
        boolean close = a.bool("close", false);
        if (text == null && keys == null && !close && !enter) {
            throw a.invalid("nothing to send: give text, keys, enter or close");
        }
        Session s = service.session(ref);
        byte[] bytes;
        if (keys != null) {
            // A key's bytes depend on the modes the program asked for (cursor keys, bracketed paste).
            Screen.InputModes modes = s.spec().tty() ? ShownScreen.of(service.screen(s.id())).modes() : Screen.InputModes.NONE;
            bytes = new KeyEncoder(modes).encode(keys);
        } else {
            bytes = (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
        }
        if (enter) {
            byte[] e = (s.spec().tty() ? "\r" : "\n").getBytes(StandardCharsets.UTF_8);
            byte[] joined = java.util.Arrays.copyOf(bytes, bytes.length + e.length);
            System.arraycopy(e, 0, joined, bytes.length, e.length);
            bytes = joined;
        }
        service.send(s.id(), bytes, close);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sessionId", s.id());
        out.put("sentBytes", bytes.length);
        out.put("closed", close);
        return out;
    }

    private Object respondCheckpoint(ToolArguments a) {
        String ref = a.requiredString("sessionId");
        a.atMostOne("choice", "text");
        Long choice = a.integer("choice", 1, 99);
        String text = a.text("text");
        if (choice == null && text == null) {
            throw a.invalid("give choice (an option's number) or text");
        }
        Session s = service.session(ref);
        if (!s.isActive()) {
            throw new HarnessException(ErrorKind.NOT_ACTIVE,
                    "session " + s.label() + " has ended (" + s.status().wireName() + "); nothing waits for an answer");
        }
        ShownScreen screen = ShownScreen.of(service.screen(s.id()));
        Prompt prompt = screen.prompt();
        if (prompt == null && s.status() != SessionStatus.WAITING_CHECKPOINT) {
            throw new HarnessException(ErrorKind.ILLEGAL_TRANSITION,
                    "session " + s.label() + " is not waiting for an answer (" + s.status().wireName()
                            + "); send_input writes to it anyway");
        }
        byte[] answer = CheckpointAnswer.encode(prompt, screen.modes(), s.spec().tty(),
                choice == null ? null : choice.intValue(), text);
        service.send(s.id(), answer, false);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sessionId", s.id());
        out.put("prompt", promptView(prompt));
        out.put("answered", choice != null ? prompt.options().get(choice.intValue() - 1) : text);
        return out;
    }

    private Object waitForStateChange(ToolArguments a) {
        List<String> refs = a.strings("sessionIds", false);
        if (refs == null) {
            throw a.invalid("'sessionIds' is required (an empty array waits for any session)");
        }
        Long timeoutMs = a.integer("timeout", 0, MAX_WAIT.toMillis());
        Duration timeout = timeoutMs == null ? DEFAULT_WAIT : Duration.ofMillis(timeoutMs);
        Map<String, SessionStatus> before = statuses(refs);
        if (!refs.isEmpty()) {
            for (String id : before.keySet()) {
                Session s = service.session(id);
                if (!s.isActive() || s.status() == SessionStatus.WAITING_CHECKPOINT) {
                    // Nothing changes it until the caller acts: waiting would only run out the timeout.
                    return changed(s, true);
                }
            }
        }
        List<String> ids = List.copyOf(before.keySet());
        Instant deadline = clock.instant().plus(timeout);
        try {
            while (true) {
                Duration left = Duration.between(clock.instant(), deadline);
                if (left.isNegative() || left.isZero()) {
                    break;
                }
                Duration slice = left.compareTo(RECHECK) < 0 ? left : RECHECK;
                Optional<Session> changed = service.awaitChange(refs.isEmpty() ? List.of() : ids, slice);
                if (changed.isPresent()) {
                    return changed(changed.get(), false);
                }
                Optional<Session> differs = firstDifferent(refs, before);
                if (differs.isPresent()) {
                    return changed(differs.get(), false);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException("interrupted while waiting");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("changed", false);
        out.put("session", null);
        out.put("sessions", brief(refs.isEmpty() ? service.sessions(SessionQuery.byStatus(SessionStatus.ACTIVE))
                : ids.stream().map(service::session).toList()));
        return out;
    }

    /** Each watched session's id and status now; with no references, every active session's. */
    private Map<String, SessionStatus> statuses(List<String> refs) {
        Map<String, SessionStatus> m = new LinkedHashMap<>();
        if (refs.isEmpty()) {
            for (Session s : service.sessions(SessionQuery.byStatus(SessionStatus.ACTIVE))) {
                m.put(s.id(), s.status());
            }
        } else {
            for (String ref : refs) {
                Session s = service.session(ref);
                m.put(s.id(), s.status());
            }
        }
        return m;
    }

    private Optional<Session> firstDifferent(List<String> refs, Map<String, SessionStatus> before) {
        if (refs.isEmpty()) {
            List<Session> active = service.sessions(SessionQuery.byStatus(SessionStatus.ACTIVE));
            for (Session s : active) {
                if (before.get(s.id()) != s.status()) {
                    return Optional.of(s);
                }
            }
            for (String id : before.keySet()) {
                if (active.stream().noneMatch(s -> s.id().equals(id))) {
                    return Optional.of(service.session(id));
                }
            }
            return Optional.empty();
        }
        for (var e : before.entrySet()) {
            Session now = service.session(e.getKey());
            if (now.status() != e.getValue()) {
                return Optional.of(now);
            }
        }
        return Optional.empty();
    }

    private Map<String, Object> changed(Session s, boolean already) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("changed", true);
        out.put("already", already);
        out.put("session", view(s));
        return out;
    }

    private static List<Map<String, Object>> brief(List<Session> sessions) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Session s : sessions) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.id());
            m.put("name", s.name());
            m.put("status", s.status().wireName());
            out.add(m);
        }
        return out;
    }

    private Object stopSession(ToolArguments a) {
        String ref = a.requiredString("sessionId");
        boolean force = a.bool("force", false);
        Long grace = a.integer("graceMs", 0, 3_600_000);
        if (force && grace != null) {
            throw a.invalid("give force or graceMs, not both");
        }
        Session s = service.stop(ref, grace == null ? null : Duration.ofMillis(grace), force);
        return Map.of("session", view(s));
    }

    private Object resumeSession(ToolArguments a) {
        String ref = a.requiredString("sessionId");
        String prompt = a.string("prompt");
        Session s = service.session(ref);
        if (s.status() == SessionStatus.PAUSED) {
            if (prompt != null) {
                throw a.invalid("session " + s.label() + " is paused: it resumes where it stopped, without a prompt");
            }
            return Map.of("resumed", "paused", "session", view(service.resume(s.id())));
        }
        Session next = service.resumeConversation(s.id(), prompt);
        return Map.of("resumed", "conversation", "resumeOf", s.id(), "session", view(next));
    }

    private Object getStats(ToolArguments a) {
        String dir = a.string("project");
        String project;
        try {
            project = dir == null ? null : ProjectDirs.projectOf(callerCwd.resolve(dir).toAbsolutePath().normalize().toString());
        } catch (InvalidPathException e) {
            throw a.invalid("invalid project directory '" + dir + "'");
        }
        var stats = service.stats(project);
        var totals = service.costTotals(project == null ? SessionQuery.ALL : SessionQuery.ALL.withProject(project));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("project", project);
        out.put("stats", StatsView.of(stats, totals));
        return out;
    }

    private SessionView view(Session s) {
        return SessionView.of(s, clock.instant());
    }
}
