package dev.agentharness.web.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionQuery;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.core.error.BadRequestException;
import dev.agentharness.core.error.ErrorKind;
import dev.agentharness.core.error.UsageException;
import dev.agentharness.service.HarnessService;
import dev.agentharness.service.OutputQuery;
import dev.agentharness.service.StartRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON endpoints and the static page. Every endpoint is one call of the service; errors answer
 * with the HTTP status of their {@link ErrorKind} and {@code {"error":{"code","message"}}}, the
 * code being the control socket's.
 *
 * <pre>
 * GET  /api/sessions                      {"active":[...by slot], "recent":[...newest first]} (?limit=N recent)
 * POST /api/sessions                      start: {"command":[argv], "name", "slot", "tty", "cols", "rows", "cwd", "interactive", "agent"}
 * GET  /api/sessions/{ref}                one session
 * GET  /api/sessions/{ref}/output         ?after=SEQ (default 0) or ?lines=N, &amp;maxBytes=N
 * GET  /api/sessions/{ref}/screen         the terminal's screen and the question it waits on
 * POST /api/sessions/{ref}/stop           {"force":bool, "graceMs":N}
 * POST /api/sessions/{ref}/restart        {}
 * POST /api/sessions/{ref}/pause|resume   {}
 * POST /api/sessions/{ref}/send           {"text":"..."} or {"base64":"..."}, "close":bool
 * POST /api/sessions/{ref}/resize         {"cols":N, "rows":N}
 * GET  /api/stats                         counts by status, bytes, cost
 * </pre>
 */
public final class ApiHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    /** Bigger than any keystroke burst or paste a page sends; bounds what one request may make the daemon hold. */
    static final int MAX_BODY = 1024 * 1024;
    static final int RECENT_DEFAULT = 20;

    private final HarnessService service;
    private final StaticFiles files;
    private final String defaultCwd;
    private final Clock clock;

    public ApiHandler(HarnessService service, String defaultCwd, Clock clock) {
        this.service = service;
        this.files = new StaticFiles(ApiHandler.class.getClassLoader());
        this.defaultCwd = defaultCwd;
        this.clock = clock;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        try {
            if (path.startsWith("/api/")) {
                Object body = api(request, segments(path.substring("/api/".length())));
                Responses.json(response, callback, HttpStatus.OK_200, body);
            } else {
                page(request, response, callback, path);
            }
        } catch (HttpProblem p) {
            Responses.json(response, callback, p.status, WebJson.ErrorBody.of(p.code, p.getMessage()));
        } catch (Throwable e) {
            ErrorKind kind = ErrorKind.of(e);
            String message = e.getMessage();
            if (kind == ErrorKind.INTERNAL) {
                LOG.warn("web: {} {} failed", request.getMethod(), path, e);
                message = "internal error";
            }
            Responses.json(response, callback, kind.httpStatus(), WebJson.ErrorBody.of(kind.socketCode(), message));
        }
        return true;
    }

    private void page(Request request, Response response, Callback callback, String path) throws IOException {
        if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
            throw new HttpProblem(HttpStatus.METHOD_NOT_ALLOWED_405, "method_not_allowed", "only GET here");
        }
        StaticFiles.File f = files.get(path);
        if (f == null) {
            throw new HttpProblem(HttpStatus.NOT_FOUND_404, "not_found", "no such page: " + path);
        }
        if (f.contentType().startsWith("text/html")) {
            int port = Request.getLocalPort(request);
            // The page's scripts are its own files: nothing inline, nothing from elsewhere. xterm.js
            // sets styles from script, which CSP counts as inline styles.
            response.getHeaders().put("Content-Security-Policy", "default-src 'self'; script-src 'self'; "
                    + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:" + port
                    + " ws://localhost:" + port + "; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        }
        Responses.bytes(response, callback, HttpStatus.OK_200, f.contentType(), f.bytes());
    }

    private Object api(Request request, List<String> seg) throws Exception {
        boolean get = HttpMethod.GET.is(request.getMethod());
        boolean post = HttpMethod.POST.is(request.getMethod());
        Fields query = Request.extractQueryParameters(request);
        if (seg.equals(List.of("stats"))) {
            if (!get) {
                throw notAllowed();
            }
            return WebJson.StatsView.of(service.stats(null), service.costTotals(SessionQuery.ALL));
        }
        if (seg.isEmpty() || !seg.get(0).equals("sessions")) {
            throw notFound();
        }
        if (seg.size() == 1) {
            if (get) {
                return sessions(intParam(query, "limit", RECENT_DEFAULT));
            }
            if (post) {
                return view(service.start(StartRequest.now(spec(body(request)))));
            }
            throw notAllowed();
        }
        String ref = seg.get(1);
        if (seg.size() == 2) {
            if (!get) {
                throw notAllowed();
            }
            return view(service.session(ref));
        }
        if (seg.size() != 3) {
            throw notFound();
        }
        String action = seg.get(2);
        if (get) {
            return switch (action) {
                case "output" -> WebJson.OutputView.of(service.output(ref, outputQuery(query)));
                case "screen" -> WebJson.ScreenView.of(service.screen(ref));
                default -> throw notFound();
            };
        }
        if (!post) {
            throw notAllowed();
        }
        return switch (action) {
            case "stop" -> {
                JsonNode b = body(request);
                Duration grace = b.hasNonNull("graceMs") ? Duration.ofMillis(b.get("graceMs").asLong()) : null;
                yield view(service.stop(ref, grace, b.path("force").asBoolean(false)));
            }
            case "restart" -> view(service.restart(ref, Map.of()));
            case "pause" -> view(service.pause(ref));
            case "resume" -> view(service.resume(ref));
            case "send" -> {
                JsonNode b = body(request);
                byte[] bytes;
                if (b.hasNonNull("base64")) {
                    try {
                        bytes = Base64.getDecoder().decode(b.get("base64").asText());
                    } catch (IllegalArgumentException e) {
                        throw new BadRequestException("base64: not valid base64");
                    }
                } else {
                    bytes = b.path("text").asText("").getBytes(StandardCharsets.UTF_8);
                }
                service.send(ref, bytes, b.path("close").asBoolean(false));
                yield Map.of("sent", bytes.length);
            }
            case "resize" -> {
                JsonNode b = body(request);
                TerminalSize size = new TerminalSize(requiredInt(b, "cols"), requiredInt(b, "rows"));
                service.resize(ref, size);
                yield Map.of("cols", size.cols(), "rows", size.rows());
            }
            default -> throw notFound();
        };
    }

    private Map<String, Object> sessions(int limit) {
        var now = clock.instant();
        List<Session> active = new ArrayList<>(service.sessions(SessionQuery.byStatus(SessionStatus.ACTIVE)));
        active.sort(java.util.Comparator.comparing(s -> s.slot() == null ? Integer.MAX_VALUE : s.slot()));
        List<Session> recent = service.sessions(SessionQuery.byStatus(SessionStatus.TERMINAL).withLimit(Math.max(1, limit)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("active", active.stream().map(s -> WebJson.SessionView.of(s, now)).toList());
        out.put("recent", recent.stream().map(s -> WebJson.SessionView.of(s, now)).toList());
        return out;
    }

    private WebJson.SessionView view(Session s) {
        return WebJson.SessionView.of(s, clock.instant());
    }

    private SessionSpec spec(JsonNode b) {
        JsonNode cmd = b.get("command");
        if (cmd == null || !cmd.isArray() || cmd.isEmpty()) {
            throw new UsageException("command: give the command line as a non-empty array of strings (argv)");
        }
        List<String> argv = new ArrayList<>();
        for (JsonNode a : cmd) {
            if (!a.isTextual()) {
                throw new UsageException("command: every argument must be a string");
            }
            argv.add(a.asText());
        }
        String cwd = b.hasNonNull("cwd") ? b.get("cwd").asText() : defaultCwd;
        if (!cwd.startsWith("/")) {
            throw new UsageException("cwd: give an absolute directory");
        }
        var builder = SessionSpec.builder(argv, cwd)
                .name(text(b, "name"))
                .agent(text(b, "agent"))
                .interactive(b.path("interactive").asBoolean(false));
        if (b.hasNonNull("slot")) {
            int slot = b.get("slot").asInt(-1);
            if (slot < 1 || slot > 3) {
                throw new UsageException("slot: 1, 2 or 3");
            }
            builder.requestedSlot(slot);
        }
        if (b.path("tty").asBoolean(false)) {
            builder.terminal(new TerminalSize(b.path("cols").asInt(TerminalSize.DEFAULT.cols()),
                    b.path("rows").asInt(TerminalSize.DEFAULT.rows())));
        }
        SessionSpec spec = builder.build();
        String nul = spec.nulProblem();
        if (nul != null) {
            throw new UsageException(nul);
        }
        return spec;
    }

    private static String text(JsonNode b, String field) {
        JsonNode v = b.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
    }

    private static int requiredInt(JsonNode b, String field) {
        JsonNode v = b.get(field);
        if (v == null || !v.canConvertToInt()) {
            throw new UsageException(field + ": a whole number is needed");
        }
        return v.asInt();
    }

    private static OutputQuery outputQuery(Fields query) {
        int maxBytes = intParam(query, "maxBytes", OutputQuery.DEFAULT_MAX_BYTES);
        if (query.getValue("lines") != null) {
            return OutputQuery.lastLines(intParam(query, "lines", 10), maxBytes);
        }
        return OutputQuery.after(longParam(query, "after", 0), maxBytes);
    }

    private static int intParam(Fields query, String name, int fallback) {
        long v = longParam(query, name, fallback);
        if (v > Integer.MAX_VALUE) {
            throw new UsageException(name + ": too large");
        }
        return (int) v;
    }

    private static long longParam(Fields query, String name, long fallback) {
        String v = query.getValue(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException(name + ": a whole number is needed, not '" + v + "'");
        }
    }

    /** The request's JSON object; an empty body is {}. */
    private static JsonNode body(Request request) throws IOException {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        byte[] bytes;
        try (InputStream in = Request.asInputStream(request)) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) {
            throw new HttpProblem(HttpStatus.PAYLOAD_TOO_LARGE_413, "bad_request", "the body is over " + MAX_BODY + " bytes");
        }
        if (bytes.length == 0) {
            return Responses.MAPPER.createObjectNode();
        }
        // A form or a text/plain body is what a cross-site form can send without a preflight.
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new HttpProblem(HttpStatus.UNSUPPORTED_MEDIA_TYPE_415, "bad_request", "send application/json");
        }
        try {
            JsonNode node = Responses.MAPPER.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new BadRequestException("the body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new BadRequestException("malformed JSON: " + e.getOriginalMessage());
        }
    }

    private static List<String> segments(String rest) {
        List<String> out = new ArrayList<>();
        for (String s : rest.split("/", -1)) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static HttpProblem notFound() {
        return new HttpProblem(HttpStatus.NOT_FOUND_404, "not_found", "no such endpoint");
    }

    private static HttpProblem notAllowed() {
        return new HttpProblem(HttpStatus.METHOD_NOT_ALLOWED_405, "method_not_allowed", "method not allowed here");
    }

    /** A refusal about HTTP itself (a route, a method, a body's type), which no error kind covers. */
    static final class HttpProblem extends RuntimeException {
        final int status;
        final String code;

        HttpProblem(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }
}
