package dev.agentharness.cli.torture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** A raw connection to a daemon's control socket: bytes out, one answer line back. */
final class Control implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Generous: an answer that takes this long is no answer. */
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(20);
    private final SocketChannel ch;

    private Control(SocketChannel ch) {
        this.ch = ch;
    }

    static Control connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new Control(ch);
    }

    void send(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The next answer line, parsed; an IOException if none comes within {@link #ANSWER_WITHIN}. */
    JsonNode answer() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(1);
        long deadline = System.nanoTime() + ANSWER_WITHIN.toNanos();
        try (Selector selector = Selector.open()) {
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ);
            while (true) {
                buf.clear();
                int n = ch.read(buf);
                if (n < 0) {
                    throw new IOException("the daemon closed the connection after: " + line.toString(StandardCharsets.UTF_8));
                }
                if (n == 0) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        throw new IOException("no answer within " + ANSWER_WITHIN.toSeconds() + " s; got so far: "
                                + line.toString(StandardCharsets.UTF_8));
                    }
                    selector.select(left);
                    selector.selectedKeys().clear();
                    continue;
                }
                if (buf.get(0) == '\n') {
                    return MAPPER.readTree(line.toByteArray());
                }
                line.write(buf.get(0));
            }
        } finally {
            ch.configureBlocking(true); // the selector is closed: its key is gone
        }
    }

    JsonNode request(byte[] line) throws IOException {
        send(line);
        return answer();
    }

    JsonNode request(String line) throws IOException {
        send(line);
        return answer();
    }

    /** The daemon's pid if one answers a ping on {@code socket}. */
    static Optional<Long> ping(Path socket) {
        try (Control c = connect(socket)) {
            JsonNode r = c.request("{\"op\":\"ping\"}\n");
            return r.path("ok").asBoolean() ? Optional.of(r.path("pid").asLong()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
