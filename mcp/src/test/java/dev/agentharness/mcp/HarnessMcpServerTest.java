package dev.agentharness.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentharness.core.SessionStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server over its stdio transport, spoken to line by line as a client would (JSON-RPC 2.0). */
@Timeout(60)
class HarnessMcpServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void answersToolCallsOverStdioMapsErrorsAndEndsWithItsInput() throws Exception {
        FakeHarnessService service = new FakeHarnessService();
        service.add("01A", "a", SessionStatus.RUNNING, false);
        HarnessTools tools = new HarnessTools(service, Clock.systemUTC(), Map.of(), Path.of("."));
        PipedOutputStream toServer = new PipedOutputStream();
        PipedInputStream serverIn = new PipedInputStream(toServer, 1 << 16);
        PipedInputStream fromServer = new PipedInputStream(1 << 16);
        OutputStream serverOut = new PipedOutputStream(fromServer);
        CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
            try {
                new HarnessMcpServer(tools, "test").serve(serverIn, serverOut);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        BufferedReader replies = new BufferedReader(new InputStreamReader(fromServer, StandardCharsets.UTF_8));

        JsonNode init = call(toServer, replies, 1, "initialize", Map.of("protocolVersion", "2025-06-18",
                "capabilities", Map.of(), "clientInfo", Map.of("name", "t", "version", "1")));
        assertEquals("agent-harness", init.path("result").path("serverInfo").path("name").asText());
        send(toServer, Map.of("jsonrpc", "2.0", "method", "notifications/initialized"));

        JsonNode list = call(toServer, replies, 2, "tools/list", Map.of());
        assertEquals(11, list.path("result").path("tools").size());

        JsonNode good = call(toServer, replies, 3, "tools/call", Map.of("name", "get_session",
                "arguments", Map.of("sessionId", "a")));
        assertEquals(false, good.path("result").path("isError").asBoolean());
        assertTrue(good.path("result").path("content").get(0).path("text").asText().contains("\"id\":\"01A\""));

        JsonNode unknown = call(toServer, replies, 4, "tools/call", Map.of("name", "get_session",
                "arguments", Map.of("sessionId", "zzz")));
        assertEquals(true, unknown.path("result").path("isError").asBoolean());
        assertTrue(unknown.path("result").path("content").get(0).path("text").asText().contains("zzz"));

        JsonNode bad = call(toServer, replies, 5, "tools/call", Map.of("name", "get_session",
                "arguments", Map.of("sessionId", 7)));
        assertEquals(-32602, bad.path("error").path("code").asInt(), bad.toString());
        assertTrue(bad.path("error").path("message").asText().contains("sessionId"), bad.toString());

        toServer.close();
        served.get(30, TimeUnit.SECONDS);
    }

    private static JsonNode call(OutputStream out, BufferedReader in, int id, String method, Object params) throws Exception {
        send(out, Map.of("jsonrpc", "2.0", "id", id, "method", method, "params", params));
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new AssertionError("the server closed its output");
            }
            JsonNode msg = JSON.readTree(line);
            if (msg.path("id").asInt(-1) == id) {
                return msg;
            }
        }
    }

    private static void send(OutputStream out, Object message) throws Exception {
        out.write((JSON.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
