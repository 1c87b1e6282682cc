package dev.agentharness.mcp;

import dev.agentharness.core.error.ErrorKind;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what a tool threw into MCP's two ways of failing, by the {@link ErrorKind} table's MCP column:
 * a JSON-RPC error (the call itself was wrong, -32602, or the harness has a bug, -32603), or a tool
 * result with {@code isError: true} whose text is the harness's one-line message (the call was fine
 * and the harness refused it: no such session, no free slot...). The second kind is what the model
 * reads and acts on, so its message is kept exactly as the CLI would print it.
 */
final class ToolErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ToolErrors.class);

    private ToolErrors() {
    }

    /** The result for a tool error; throws the {@link McpError} for a protocol error. */
    static CallToolResult toResult(String tool, Throwable e) {
        ErrorKind kind = ErrorKind.of(e);
        switch (kind.mcpError()) {
            case TOOL_ERROR:
                return CallToolResult.builder().addTextContent(message(e)).isError(true).build();
            case INVALID_PARAMS:
                throw McpError.builder(kind.mcpError().jsonRpcCode()).message(message(e)).build();
            default:
                // A bug: its stack goes to the log (stderr or the home's log), never to stdout.
                LOG.error("tool {} failed", tool, e);
                throw McpError.builder(kind.mcpError().jsonRpcCode())
                        .message("internal error in " + tool + ": " + e).build();
        }
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
