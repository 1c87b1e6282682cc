package dev.agentharness.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.core.error.NoFreeSlotException;
import dev.agentharness.service.Interest;
import dev.agentharness.service.ScreenSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebServerTest {
    private static final String TOKEN = "0123456789abcdef".repeat(4);
    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private FakeService service;
    private WebServer server;
    private String base;

    @BeforeEach
    void start() {
        service = new FakeService();
        service.add("01AAA", "alpha", 1, SessionStatus.RUNNING, new TerminalSize(80, 24));
        service.add("01BBB", "beta", 2, SessionStatus.RUNNING, null);
        service.add("01OLD", "old", 3, SessionStatus.COMPLETED, null);
        server = new WebServer(service, WebToken.of(TOKEN), 0, "/home/someone", Clock.systemUTC());
        int port = server.start();
        base = "http://127.0.0.1:" + port;
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String cookieName() {
        return "harness_token_" + server.port();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(json));
        List<String> given = List.of(headers);
        if (!given.contains("Content-Type")) {
            b.header("Content-Type", "application/json");
        }
        if (!given.contains("Authorization")) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> api(String path) throws Exception {
        return get(path, "Authorization", "Bearer " + TOKEN);
    }

    private JsonNode json(HttpResponse<String> r) throws IOException {
        return mapper.readTree(r.body());
    }

    private static void assertNoCors(HttpResponse<?> r) {
        r.headers().map().keySet().forEach(h -> assertFalse(h.toLowerCase().startsWith("access-control-"), h));
    }

    @Test
    void withoutTheTokenEverythingIs401() throws Exception {
        for (String path : List.of("/", "/app.js", "/api/sessions", "/api/stats", "/api/sessions/alpha/output")) {
            HttpResponse<String> r = get(path);
            assertEquals(401, r.statusCode(), path);
            assertEquals("unauthorized", json(r).path("error").path("code").asText(), path);
            assertNoCors(r);
        }
        assertEquals(401, get("/?token=" + TOKEN.replace('0', '1')).statusCode());
        assertEquals(401, get("/api/sessions", "Authorization", "Bearer " + TOKEN.substring(1) + "0").statusCode());
        assertEquals(401, get("/api/sessions", "Cookie", cookieName() + "=nope").statusCode());
        assertEquals(401, get("/api/sessions", "Cookie", "harness_token_1=" + TOKEN).statusCode(), "another dashboard's cookie");
        assertEquals(401, post("/api/sessions/alpha/stop", "{}", "Authorization", "Bearer wrong").statusCode());
        assertTrue(service.calls.isEmpty(), service.calls.toString());
    }

    @Test
    void theTokenInTheAddressBecomesAStrictHttpOnlyCookieAndLeavesTheAddress() throws Exception {
        HttpResponse<String> first = get("/?token=" + TOKEN);
        assertEquals(303, first.statusCode());
        assertEquals("/", URI.create(first.headers().firstValue("Location").orElseThrow()).getPath());
        String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.startsWith(cookieName() + "=" + TOKEN + ";"), cookie);
        assertTrue(cookie.contains("HttpOnly"), cookie);
        assertTrue(cookie.contains("SameSite=Strict"), cookie);

        HttpResponse<String> page = get("/", "Cookie", cookieName() + "=" + TOKEN);
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertTrue(page.body().contains("/vendor/xterm/xterm.js"));
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), csp);
        assertNoCors(page);
    }

    @Test
    void aForeignOriginIs403EvenWithTheToken() throws Exception {
        for (String origin : List.of("http://evil.example", "http://127.0.0.1:1", "https://127.0.0.1", "null")) {
            HttpResponse<String> r = get("/api/sessions", "Authorization", "Bearer " + TOKEN, "Origin", origin);
            assertEquals(403, r.statusCode(), origin);
            assertNoCors(r);
        }
        HttpResponse<String> r = post("/api/sessions/alpha/stop", "{}", "Origin", "http://evil.example");
        assertEquals(403, r.statusCode());
        assertTrue(service.calls.isEmpty(), service.calls.toString());
        String port = base.substring(base.lastIndexOf(':') + 1);
        assertEquals(200, get("/api/sessions", "Authorization", "Bearer " + TOKEN, "Origin", base).statusCode());
        assertEquals(200, get("/api/sessions", "Authorization", "Bearer " + TOKEN, "Origin", "http://localhost:" + port)
                .statusCode());
    }

    /** A hostile page whose DNS name now points at 127.0.0.1 would otherwise be same-origin with the dashboard. */
    @Test
    void anotherHostNameIs403() throws Exception {
        String port = base.substring(base.lastIndexOf(':') + 1);
        String answer = raw("GET /api/sessions HTTP/1.1\r\nHost: rebound.example:" + port + "\r\nAuthorization: Bearer "
                + TOKEN + "\r\nConnection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
        String ok = raw("GET /api/stats HTTP/1.1\r\nHost: localhost:" + port + "\r\nAuthorization: Bearer " + TOKEN
                + "\r\nConnection: close\r\n\r\n");
        assertTrue(ok.startsWith("HTTP/1.1 200"), ok);
    }

    private String raw(String request) throws IOException {
        URI u = URI.create(base);
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void listsActiveSessionsBySlotAndRecentOnesWithoutEnvironmentValues() throws Exception {
        HttpResponse<String> r = api("/api/sessions");
        assertEquals(200, r.statusCode());
        JsonNode body = json(r);
        assertEquals(2, body.path("active").size());
        JsonNode alpha = body.path("active").get(0);
        assertEquals("alpha", alpha.path("name").asText());
        assertEquals(1, alpha.path("slot").asInt());
        assertTrue(alpha.path("tty").asBoolean());
        assertEquals(80, alpha.path("cols").asInt());
        assertEquals("SECRET", alpha.path("envKeys").get(0).asText());
        assertTrue(alpha.has("costUsd") && alpha.path("costUsd").isNull());
        assertFalse(r.body().contains("hunter2"), r.body());
        assertEquals("old", body.path("recent").get(0).path("name").asText());
        assertEquals("completed", api("/api/sessions/old").body().contains("completed") ? "completed" : "");
        assertEquals(1, json(api("/api/stats")).path("total").asInt());
    }

    @Test
    void errorsAnswerWithTheStatusOfTheirErrorKind() throws Exception {
        HttpResponse<String> missing = api("/api/sessions/nobody");
        assertEquals(404, missing.statusCode());
        assertEquals("no_such_session", json(missing).path("error").path("code").asText());

        service.failStartWith = new NoFreeSlotException(Map.of(1, "alpha", 2, "beta", 3, "gamma"), null);
        HttpResponse<String> full = post("/api/sessions", "{\"command\":[\"true\"]}");
        assertEquals(409, full.statusCode());
        assertEquals("no_free_slot", json(full).path("error").path("code").asText());

        service.failStartWith = new IllegalStateException("a bug with details nobody should see");
        HttpResponse<String> bug = post("/api/sessions", "{\"command\":[\"true\"]}");
        assertEquals(500, bug.statusCode());
        assertEquals("internal error", json(bug).path("error").path("message").asText());
        service.failStartWith = null;

        assertEquals(400, post("/api/sessions", "{\"command\":").statusCode());
        assertEquals(400, post("/api/sessions", "{\"command\":\"sh -c x\"}").statusCode());
        assertEquals(400, post("/api/sessions", "{\"command\":[\"true\"],\"slot\":4}").statusCode());
        assertEquals(400, post("/api/sessions/alpha/resize", "{\"cols\":0,\"rows\":10}").statusCode());
        assertEquals(400, api("/api/sessions/alpha/output?after=x").statusCode());
        assertEquals(415, post("/api/sessions/alpha/send", "text=hi", "Content-Type", "text/plain").statusCode());
        assertEquals(404, api("/api/nothing").statusCode());
        assertEquals(405, post("/api/stats", "{}").statusCode());
        assertTrue(service.started.isEmpty());
    }

    @Test
    void operationsReachTheService() throws Exception {
        HttpResponse<String> started = post("/api/sessions",
                "{\"command\":[\"sh\",\"-c\",\"echo 'a  b'\"],\"name\":\"web1\",\"slot\":3,\"tty\":true,\"cols\":90,\"rows\":20}");
        assertEquals(200, started.statusCode(), started.body());
        var spec = service.started.get(0).spec();
        assertEquals(List.of("sh", "-c", "echo 'a  b'"), spec.command());
        assertEquals("/home/someone", spec.cwd());
        assertEquals(new TerminalSize(90, 20), spec.terminal());
        assertEquals(3, spec.requestedSlot());
        assertEquals("web1", json(started).path("name").asText());

        assertEquals(200, post("/api/sessions/alpha/send", "{\"text\":\"héllo\\n\"}").statusCode());
        assertEquals("héllo\n", new String(service.sent.get(0), StandardCharsets.UTF_8));
        assertEquals(200, post("/api/sessions/alpha/send", "{\"base64\":\"" + Base64.getEncoder().encodeToString(new byte[]{27, (byte) 0xff})
                + "\"}").statusCode());
        assertEquals(2, service.sent.get(1).length);
        assertEquals(200, post("/api/sessions/alpha/resize", "{\"cols\":100,\"rows\":30}").statusCode());
        assertEquals(200, post("/api/sessions/alpha/stop", "{\"force\":true}").statusCode());
        assertEquals(200, post("/api/sessions/old/restart", "{}").statusCode());
        assertEquals(List.of("send alpha close=false", "send alpha close=false", "resize alpha 100x30",
                "stop force=true grace=null alpha", "restart old"), service.calls);
    }

    @Test
    void outputAndScreenAreReadable() throws Exception {
        service.commit("01AAA", "one\n");
        service.commit("01AAA", "two\n");
        JsonNode page = json(api("/api/sessions/alpha/output?after=1"));
        assertEquals(1, page.path("chunks").size());
        assertEquals(2, page.path("chunks").get(0).path("seq").asLong());
        assertEquals("two\n", new String(Base64.getDecoder().decode(page.path("chunks").get(0).path("data").asText()),
                StandardCharsets.UTF_8));
        java.util.List<String> rows = new java.util.ArrayList<>(List.of("Pick one:", "❯ 1. Yes", "  2. No"));
        while (rows.size() < 24) {
            rows.add("");
        }
        service.screen = new ScreenSnapshot(service.session("alpha"),
                new dev.agentharness.terminal.Screen(80, 24, rows, 2, 7, "", false, true,
                        dev.agentharness.terminal.Screen.InputModes.NONE),
                new dev.agentharness.terminal.Prompt("menu", "Pick one:", List.of("1. Yes", "2. No"), 0), 2);
        JsonNode screen = json(api("/api/sessions/alpha/screen"));
        assertEquals("Pick one:", screen.path("checkpoint").asText());
        assertEquals("2. No", screen.path("choices").get(1).asText());
    }

    @Test
    void staticFilesCannotBeReachedOutsideTheirDirectory() throws Exception {
        assertEquals(200, api("/vendor/xterm/xterm.js").statusCode());
        assertEquals(200, api("/app.css").statusCode());
        for (String path : List.of("/vendor/xterm/LICENSE", "/../pom.xml", "/%2e%2e/pom.xml", "/dev/agentharness/web/WebServer.class",
                "/nothing.js", "/.hidden.js")) {
            int status = api(path).statusCode();
            assertTrue(status == 404 || status == 400, path + " gave " + status);
        }
    }

    @Test
    void liveSocketPushesOutputFromTheCursorAndSessionChanges() throws Exception {
        service.commit("01AAA", "before\n");
        BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        WebSocket ws = socket(base, messages);
        ws.sendText("{\"type\":\"watch\",\"session\":\"01AAA\",\"after\":0}", true).get(10, TimeUnit.SECONDS);
        JsonNode first = next(messages);
        assertEquals("output", first.path("type").asText());
        assertEquals(1, first.path("seq").asLong());
        assertEquals("before\n", new String(Base64.getDecoder().decode(first.path("data").asText()), StandardCharsets.UTF_8));

        service.commit("01AAA", "live\n");
        JsonNode second = next(messages);
        assertEquals(2, second.path("seq").asLong());

        service.change(service.session("beta").toBuilder().status(SessionStatus.WAITING_CHECKPOINT).build());
        JsonNode changed = next(messages);
        assertEquals("session", changed.path("type").asText());
        assertEquals("waiting_checkpoint", changed.path("session").path("status").asText());

        // A page that reconnects says what it has and gets only the rest.
        ws.sendText("{\"type\":\"watch\",\"session\":\"01AAA\",\"after\":2}", true).get(10, TimeUnit.SECONDS);
        awaitTrue(() -> service.subscriptions.size() == 3);
        service.commit("01AAA", "third\n");
        JsonNode third = next(messages);
        assertEquals(3, third.path("seq").asLong());

        ws.sendText("{\"type\":\"input\",\"session\":\"01AAA\",\"data\":\"" + Base64.getEncoder().encodeToString("y\r".getBytes())
                + "\"}", true).get(10, TimeUnit.SECONDS);
        ws.sendText("{\"type\":\"input\",\"session\":\"nobody\",\"data\":\"\"}", true).get(10, TimeUnit.SECONDS);
        JsonNode error = next(messages);
        assertEquals("error", error.path("type").asText());
        assertEquals("no_such_session", error.path("code").asText());
        assertEquals("y\r", new String(service.sent.get(0), StandardCharsets.UTF_8));

        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        awaitTrue(() -> service.subscriptions.stream().noneMatch(FakeService.Sub::open));
        assertTrue(service.subscriptions.stream().anyMatch(s -> s.interest().equals(Interest.changesOnly())));
    }

    @Test
    void aWebSocketFromAnotherOriginOrWithoutTheTokenIsRefused() throws Exception {
        String port = base.substring(base.lastIndexOf(':') + 1);
        for (String origin : List.of("http://evil.example", "http://127.0.0.1:" + (Integer.parseInt(port) == 1 ? 2 : 1))) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> http.newWebSocketBuilder()
                    .header("Origin", origin).header("Authorization", "Bearer " + TOKEN)
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() { })
                    .get(10, TimeUnit.SECONDS));
            WebSocketHandshakeException h = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
            assertEquals(403, h.getResponse().statusCode(), origin);
        }
        ExecutionException noOrigin = assertThrows(ExecutionException.class, () -> http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + TOKEN)
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS));
        assertEquals(403, ((WebSocketHandshakeException) noOrigin.getCause()).getResponse().statusCode());
        ExecutionException noToken = assertThrows(ExecutionException.class, () -> http.newWebSocketBuilder()
                .header("Origin", base)
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS));
        assertEquals(401, ((WebSocketHandshakeException) noToken.getCause()).getResponse().statusCode());
        assertTrue(service.subscriptions.isEmpty());
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        int port = server.port();
        InetAddress other = null;
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    other = a;
                }
            }
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(other != null, "this machine has no address but loopback");
        InetAddress address = other;
        assertThrows(IOException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, port), 5000);
            }
        });
        assertTrue(server.url().startsWith("http://127.0.0.1:" + port + "/?token=" + TOKEN));
    }

    @Test
    void aPortOutOfRangeIsAUsageError() {
        assertThrows(IllegalArgumentException.class, () -> new WebServer(service, WebToken.of(TOKEN), 70000, "/", Clock.systemUTC()));
    }

    /** Through the test's own client, which stays reachable: a collected HttpClient closes its sockets. */
    private WebSocket socket(String base, BlockingQueue<JsonNode> messages) throws Exception {
        ObjectMapper m = new ObjectMapper();
        return http.newWebSocketBuilder().header("Origin", base)
                .header("Authorization", "Bearer " + TOKEN)
                .buildAsync(URI.create(base.replace("http://", "ws://") + "/ws"), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            try {
                                messages.add(m.readTree(text.toString()));
                            } catch (IOException e) {
                                throw new AssertionError(e);
                            }
                            text.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), "not within 10 s");
    }

    private static JsonNode next(BlockingQueue<JsonNode> messages) throws InterruptedException {
        JsonNode m = messages.poll(10, TimeUnit.SECONDS);
        assertNotNull(m, "no message within 10 s");
        return m;
    }
}
