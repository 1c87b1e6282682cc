package dev.agentharness.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The control socket of a real daemon, spoken to directly. */
class ProtocolIT extends HarnessIT {
    private final ObjectMapper mapper = new ObjectMapper();

    private JsonNode request(SocketChannel ch, String line) throws IOException {
        ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
        StringBuilder b = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            if (ch.read(one) < 0) {
                throw new IOException("closed after: " + b);
            }
            if (one.get(0) == '\n') {
                return mapper.readTree(b.toString());
            }
            b.append((char) one.get(0));
        }
    }

    private SocketChannel connect() throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(harness.home.resolve("harness.sock")));
        return ch;
    }

    @Test
    void malformedRequestsGetErrorRepliesAndTheDaemonKeepsServing() throws Exception {
        harness.run("start", "--name", "first", "--", "sleep", "60").ok();
        assertEquals(PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(harness.home.resolve("harness.sock")));
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(harness.home));

        try (SocketChannel ch = connect()) {
            for (String bad : List.of("{not json\n", "{\"op\":\"launch-missiles\"}\n", "{\"op\":\"start\",\"spec\":{\"command\":\"ls\"}}\n",
                    "{\"op\":\"stop\"}\n", "{\"op\":\"stop\",\"session\":42}\n", "\"just a string\"\n")) {
                JsonNode r = request(ch, bad);
                assertFalse(r.path("ok").asBoolean(), bad);
                assertEquals("bad_request", r.path("error").path("code").asText(), r::toString);
            }
            JsonNode unknown = request(ch, "{\"op\":\"pause\",\"session\":\"nosuch\"}\n");
            assertEquals("no_such_session", unknown.path("error").path("code").asText());
            JsonNode ping = request(ch, "{\"op\":\"ping\"}\n");
            assertTrue(ping.path("ok").asBoolean());
            assertEquals(harness.daemonPid().orElseThrow(), ping.path("pid").asLong());
        }
        try (SocketChannel ch = connect()) {
            ch.write(ByteBuffer.wrap("{\"op\":\"start\",\"spec\":{\"comm".getBytes(StandardCharsets.UTF_8)));
        }
        try (SocketChannel ch = connect()) {
            byte[] huge = new byte[(1 << 20) + 100];
            java.util.Arrays.fill(huge, (byte) 'x');
            ch.write(ByteBuffer.wrap(huge));
            JsonNode r = request(ch, "\n");
            assertEquals("bad_request", r.path("error").path("code").asText());
            // The daemon read past that line (a client still writing must not get EPIPE): the
            // connection goes on serving.
            assertTrue(request(ch, "{\"op\":\"ping\"}\n").path("ok").asBoolean());
        }

        harness.run("start", "--name", "second", "--", "sleep", "60").ok();
        assertEquals(2, harness.json("ps", "--json").size());
    }
}
