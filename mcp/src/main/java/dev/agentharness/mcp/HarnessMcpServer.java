package dev.agentharness.mcp;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The harness as an MCP server over stdio, built on the official Java SDK: JSON-RPC messages one a
 * line on {@code in} and {@code out}, the tools of {@link HarnessTools}. {@link #serve} returns when
 * the client closes its end of {@code in} (that is how an MCP client ends a stdio server).
 *
 * <p>{@code out} carries the protocol and nothing else: one stray line there and the client drops
 * the connection. Logs go to slf4j, which the CLI points at stderr.
 */
public final class HarnessMcpServer {
    /** What a client shows as the server's instructions: how the tools fit together. */
    static final String INSTRUCTIONS = "agent-harness runs up to three AI coding-agent sessions (or any commands) in "
            + "fixed slots and stores everything they print. start_session starts one; get_output and get_screen read "
            + "it; send_input and respond_checkpoint answer it; wait_for_state_change blocks until a session's "
            + "status changes (e.g. to waiting_checkpoint when it asks a question, or to completed); stop_session "
            + "ends it. Sessions are named by sessionId: an id, a unique id prefix, or a name.";

    /** After the input ends: how long no call must have run before the server closes... */
    static final Duration QUIET_AT_END = Duration.ofMillis(300);
    /** ...and how long calls still running are waited for (a long wait_for_state_change is given up). */
    static final Duration DRAIN_AT_END = Duration.ofSeconds(30);

    private final HarnessTools tools;
    private final String version;

    public HarnessMcpServer(HarnessTools tools, String version) {
        this.tools = tools;
        this.version = version;
    }

    /** Serves one client until {@code in} ends, then closes the server. */
    public void serve(InputStream in, OutputStream out) throws InterruptedException {
        CountDownLatch ended = new CountDownLatch(1);
        CountDownLatch drained = new CountDownLatch(1);
        var transport = new StdioServerTransportProvider(McpJsonDefaults.getMapper(), new EndWatch(in, ended, drained), out);
        McpSyncServer server = McpServer.sync(transport)
                .serverInfo("agent-harness", version)
                .instructions(INSTRUCTIONS)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                // Arguments are checked by each tool (ToolArguments): a bad one is JSON-RPC -32602 with a
                // message that names the field, where the SDK's check would answer a tool result instead.
                .validateToolInputs(false)
                // wait_for_state_change blocks for up to MAX_WAIT: the server's own limit must not cut it.
                .requestTimeout(HarnessTools.MAX_WAIT.plus(Duration.ofMinutes(1)))
                .tools(tools.specifications())
                .build();
        try {
            ended.await();
            tools.awaitIdle(QUIET_AT_END, DRAIN_AT_END);
        } finally {
            drained.countDown();
            server.closeGracefully();
        }
    }

    /**
     * Counts {@code ended} down when the stream ends or fails (the client has gone), and holds the
     * end back from the transport until {@code drained}: the SDK's stdio transport stops writing the
     * moment it reads the end, and the answers to calls still running would be lost.
     */
    private static final class EndWatch extends FilterInputStream {
        private final CountDownLatch ended;
        private final CountDownLatch drained;

        EndWatch(InputStream in, CountDownLatch ended, CountDownLatch drained) {
            super(in);
            this.ended = ended;
            this.drained = drained;
        }

        @Override
        public int read() throws IOException {
            return check(watch(super::read));
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return check(watch(() -> super.read(b, off, len)));
        }

        private int check(int n) throws IOException {
            if (n < 0) {
                ended.countDown();
                try {
                    drained.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted at the end of input");
                }
            }
            return n;
        }

        private int watch(IoRead read) throws IOException {
            try {
                return read.read();
            } catch (IOException | RuntimeException e) {
                ended.countDown();
                throw e;
            }
        }

        @FunctionalInterface
        private interface IoRead {
            int read() throws IOException;
        }
    }
}
