package dev.agentharness.service.wire;

import dev.agentharness.core.error.ErrorKind;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentharness.core.error.DaemonUnavailableException;
import dev.agentharness.core.error.HarnessException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Optional;

/** One connection to the daemon's control socket; requests are sent one at a time. */
public final class ControlClient implements AutoCloseable {
    private final LineChannel line;
    private final Path socket;
    private ObjectMapper mapper;

    private ControlClient(LineChannel line, ObjectMapper mapper, Path socket) {
        this.line = line;
        this.mapper = mapper;
        this.socket = socket;
    }

    /**
     * Connects if a daemon listens on {@code socket}; empty when the file is missing or stale.
     * Requests and answers travel as trees ({@link WireJson}); an {@link ObjectMapper} is made only
     * when an answer is mapped to a class ({@link #read}), so commands that need none never pay for one.
     */
    public static Optional<ControlClient> tryConnect(Path socket) {
        return tryConnect(socket, null);
    }

    /** Connects as {@link #tryConnect(Path)} does, mapping answers to classes with {@code mapper} (null: made when needed). */
    public static Optional<ControlClient> tryConnect(Path socket, ObjectMapper mapper) {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            // Before anything is sent (a start carries the agent's environment): the socket file was
            // checked, but another user could have swapped what it leads to since.
            String stranger = PeerCredentials.strangerOrNull(channel);
            if (stranger != null) {
                channel.close();
                throw new HarnessException("refusing to talk to the process listening on " + socket + ": " + stranger);
            }
            return Optional.of(new ControlClient(new LineChannel(channel, ControlProtocol.MAX_LINE_BYTES), mapper, socket));
        } catch (IOException | UnsupportedOperationException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // Nothing was sent on it.
                }
            }
            return Optional.empty();
        }
    }

    /** The mapper for {@link #read}, made on first use. */
    public synchronized ObjectMapper mapper() {
        if (mapper == null) {
            mapper = ControlProtocol.newMapper();
        }
        return mapper;
    }

    public ObjectNode request(String op) {
        return WireJson.object().put("op", op);
    }

    /**
     * Sends one request and waits for its answer, however long that takes.
     *
     * @return the response object ({@code ok} is true)
     * @throws RemoteException when the daemon answered with an error
     * @throws DaemonUnavailableException when the connection broke before an answer came
     */
    public JsonNode call(ObjectNode request) {
        try {
            try {
                line.writeLine(WireJson.write(request));
            } catch (IOException writeFailed) {
                // A daemon that refuses a connection (busy) answers and closes at once, maybe before
                // the request was written: its answer says more than the broken pipe does.
                String refusal = line.readLine();
                if (refusal == null) {
                    throw writeFailed;
                }
                return parse(refusal);
            }
        } catch (IOException e) {
            throw new DaemonUnavailableException("lost the connection to the daemon (" + e.getMessage() + ")", e);
        }
        return next();
    }

    /**
     * Reads the next line the daemon sends for the current request: after a progress line (a
     * queued start's {@code {"ok":true,"queued":{...}}}), the answer.
     */
    public JsonNode next() {
        String response;
        try {
            response = line.readLine();
        } catch (IOException e) {
            throw new DaemonUnavailableException("lost the connection to the daemon (" + e.getMessage() + ")", e);
        }
        if (response == null) {
            throw new DaemonUnavailableException("the daemon closed the connection before answering (see "
                    + socket.resolveSibling("daemon.log") + ")");
        }
        return parse(response);
    }

    private JsonNode parse(String response) {
        JsonNode node;
        try {
            node = WireJson.read(response);
        } catch (JsonProcessingException e) {
            throw new DaemonUnavailableException("the daemon sent a response that is not JSON", e);
        }
        if (node == null || !node.isObject()) {
            throw new DaemonUnavailableException("the daemon sent a response that is not a JSON object");
        }
        if (!node.path("ok").asBoolean(false)) {
            JsonNode error = node.path("error");
            throw new RemoteException(ErrorKind.fromSocketCode(error.path("code").asText(null)),
                    error.path("message").asText("the daemon reported an error without a message"));
        }
        return node;
    }

    /** Reads a field of a response as {@code type}. */
    public <T> T read(JsonNode response, String field, Class<T> type) {
        try {
            return mapper().treeToValue(response.get(field), type);
        } catch (JsonProcessingException e) {
            throw new DaemonUnavailableException("the daemon's answer has an unexpected '" + field + "' field", e);
        }
    }

    @Override
    public void close() {
        try {
            line.close();
        } catch (IOException ignored) {
            // Closing a socket we are done with cannot fail in a way that matters.
        }
    }
}
