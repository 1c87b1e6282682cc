package dev.agentharness.core.error;

import java.util.Locale;

/**
 * The one table of error kinds. Every front end reads its own column here: the CLI its exit code,
 * the control socket its {@code error.code}, the web server its HTTP status, the MCP server its
 * error. Before this table each front end kept a mapping of its own, and they drifted.
 *
 * <p>A kind is chosen by the exception ({@link HarnessException#kind()}); anything that is not a
 * {@code HarnessException} is {@link #INTERNAL}.
 */
public enum ErrorKind {
    /** A value the user gave is wrong: a bad duration, slot, size, an unknown run. */
    USAGE(2, 400, McpError.INVALID_PARAMS),
    /** Malformed JSON, an unknown op, missing or mistyped fields, an over-long line. */
    BAD_REQUEST(2, 400, McpError.INVALID_PARAMS),
    NO_FREE_SLOT(3, 409, McpError.TOOL_ERROR),
    NO_SUCH_SESSION(4, 404, McpError.TOOL_ERROR),
    /** An id prefix that matches several sessions: "no such session" for scripts (exit 4). */
    AMBIGUOUS_SESSION(4, 409, McpError.TOOL_ERROR),
    NOT_ACTIVE(1, 409, McpError.TOOL_ERROR),
    DUPLICATE_NAME(1, 409, McpError.TOOL_ERROR),
    ILLEGAL_TRANSITION(1, 409, McpError.TOOL_ERROR),
    SPAWN_FAILED(1, 422, McpError.TOOL_ERROR),
    SHUTTING_DOWN(1, 503, McpError.TOOL_ERROR),
    /** The daemon already serves as many connections as it allows; try again. */
    BUSY(1, 503, McpError.TOOL_ERROR),
    /** A command needs a daemon and none answers. */
    DAEMON_UNAVAILABLE(1, 503, McpError.TOOL_ERROR),
    /**
     * The daemon will not run this command line for the native client ({@code harness-client}):
     * the command reads the terminal or standard input, waits at length, or was built from another
     * jar. The client then runs it in a JVM of its own; a user never sees this kind.
     */
    NOT_HOSTED(1, 409, McpError.TOOL_ERROR),
    /** The database cannot be used: full disk, locked too long, a newer schema. */
    STORE(1, 503, McpError.TOOL_ERROR),
    /** Any other refusal with a message meant for the user. */
    ERROR(1, 500, McpError.TOOL_ERROR),
    /** A bug: not a {@code HarnessException}. Front ends say "internal error" and log the stack. */
    INTERNAL(1, 500, McpError.INTERNAL_ERROR);

    /** How an MCP server reports a kind: as a JSON-RPC error, or as a tool result with isError. */
    public enum McpError {
        /** JSON-RPC -32602: the tool's arguments are wrong; the caller should fix its call. */
        INVALID_PARAMS(-32602),
        /** A tool result with {@code isError: true}: the call was fine, the harness refused it. */
        TOOL_ERROR(0),
        /** JSON-RPC -32603. */
        INTERNAL_ERROR(-32603);

        private final int jsonRpcCode;

        McpError(int jsonRpcCode) {
            this.jsonRpcCode = jsonRpcCode;
        }

        /** 0 for {@link #TOOL_ERROR}, which is not a JSON-RPC error. */
        public int jsonRpcCode() {
            return jsonRpcCode;
        }
    }

    private final int exitCode;
    private final int httpStatus;
    private final McpError mcpError;

    ErrorKind(int exitCode, int httpStatus, McpError mcpError) {
        this.exitCode = exitCode;
        this.httpStatus = httpStatus;
        this.mcpError = mcpError;
    }

    public int exitCode() {
        return exitCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public McpError mcpError() {
        return mcpError;
    }

    /** The control socket's {@code error.code}: the name in lower case. */
    public String socketCode() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Unknown codes (from a newer daemon) read as {@link #ERROR}. */
    public static ErrorKind fromSocketCode(String code) {
        if (code != null) {
            for (ErrorKind k : values()) {
                if (k.socketCode().equals(code)) {
                    return k;
                }
            }
        }
        return ERROR;
    }

    /** The kind of any throwable: a {@link HarnessException}'s own, {@link #USAGE} for an illegal argument, else internal. */
    public static ErrorKind of(Throwable e) {
        if (e instanceof HarnessException h) {
            return h.kind();
        }
        if (e instanceof IllegalArgumentException) {
            return USAGE;
        }
        return INTERNAL;
    }
}
