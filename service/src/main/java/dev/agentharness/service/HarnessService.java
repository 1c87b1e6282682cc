package dev.agentharness.service;

/**
 * The application layer every front end adapts: the CLI, the MCP server and the web dashboard call
 * these typed operations and reads, and subscribe to one live bus, instead of each reaching into the
 * supervisor and the stores in a way of its own.
 *
 * <p>Sessions are named by a reference: an id, an id prefix or a name. Errors are
 * {@link dev.agentharness.core.error.HarnessException}s whose {@link dev.agentharness.core.error.ErrorKind}
 * each front end turns into its own form (exit code, socket code, HTTP status, MCP error).
 *
 * <p>Implementations: {@code LocalHarnessService} inside the daemon (the web server uses it), and
 * {@code ClientHarnessService} in a client process (the CLI, {@code harness mcp}): reads from the
 * database directly, operations and live updates over the daemon's socket.
 */
public interface HarnessService extends SessionOperations, SessionReads, LiveUpdates {
}
