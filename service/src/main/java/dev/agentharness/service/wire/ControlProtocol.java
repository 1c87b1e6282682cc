package dev.agentharness.service.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The control socket speaks newline-delimited JSON: one request object per line, answered by one
 * response line, {@code {"ok":true,...}} or {@code {"ok":false,"error":{"code":...,"message":...}}}.
 * A connection may carry several requests one after another; a request that waits (start with
 * wait, stop) simply holds its connection until the answer.
 */
public final class ControlProtocol {
    /** Longest response line a client accepts, newline excluded. */
    public static final int MAX_LINE_BYTES = 1 << 20;
    /**
     * Longest request line the daemon buffers, newline excluded; checked before any JSON is parsed.
     * Small on purpose (see {@code ControlLimits}): {@code send -} forwards standard input in pieces
     * well under it, and a start request (command line and environment) must fit in it.
     */
    public static final int MAX_REQUEST_BYTES = 128 * 1024;

    public static final String OP_PING = "ping";
    public static final String OP_START = "start";
    public static final String OP_STOP = "stop";
    public static final String OP_PAUSE = "pause";
    public static final String OP_RESUME = "resume";
    public static final String OP_RESTART = "restart";
    public static final String OP_SEND = "send";
    public static final String OP_RESIZE = "resize";
    public static final String OP_RECOVER = "recover";
    public static final String OP_SHUTDOWN = "shutdown";
    /** {@code {"op":"queue_cancel","id":7}}: withdraws a queued start request; a client waiting for it is told. */
    public static final String OP_QUEUE_CANCEL = "queue_cancel";
    /** The connection becomes a stream of pushed output and changes: see the daemon's RequestHandler. */
    public static final String OP_SUBSCRIBE = "subscribe";
    /**
     * Runs a CLI command line inside the daemon, for the native client {@code harness-client}:
     * {@code {"op":"command","args":[...],"cwd":"/abs","env":{...},"jar":{"path":...,"size":N,"mtime":MS}}}.
     * What the command prints comes back as {@code {"out":BASE64}} and {@code {"err":BASE64}} lines, then
     * {@code {"ok":true,"exit":N}}; or, before anything is printed, a {@code not_hosted} error, after which
     * the client runs the command in a JVM of its own. See the daemon's {@code CommandHost}.
     */
    public static final String OP_COMMAND = "command";
    /** Serve the web dashboard if it is not served yet ({@code port} optional); answers its {@code url} with the token. */
    public static final String OP_WEB = "web";

    private ControlProtocol() {
    }

    /**
     * A mapper for the wire: compact output, tolerant of fields a newer peer adds, strict about
     * ambiguity: a duplicate key ({"op":"ping","op":"shutdown"}) or anything after the object on its
     * line makes the line malformed, instead of one reading of it being served.
     */
    public static ObjectMapper newMapper() {
        return new ObjectMapper()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(SerializationFeature.INDENT_OUTPUT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
