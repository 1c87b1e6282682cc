package dev.agentharness.cli.command;

import dev.agentharness.cli.Version;
import dev.agentharness.mcp.HarnessMcpServer;
import dev.agentharness.mcp.HarnessTools;
import dev.agentharness.service.HarnessService;
import dev.agentharness.service.client.ClientHarnessService;
import dev.agentharness.service.reads.StoreReads;
import dev.agentharness.service.screen.PromptRulesFile;
import dev.agentharness.store.SqliteStores;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "mcp", sortOptions = false,
        description = {"Run an MCP server on standard input and output, for an orchestrating agent.",
                "Its tools start, read, answer, wait for and stop sessions. For Claude Code:",
                "  claude mcp add harness -- /path/to/harness mcp",
                "Standard output carries only the protocol; warnings go to stderr.",
                "Starts a daemon in the background when a tool needs one; ends with its input."})
public final class McpCommand implements Callable<Integer> {
    private final CommandContext ctx;

    public McpCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        // Standard output is the protocol's: a stray print anywhere in the process (a library's, a
        // forgotten debug line) would be read as a broken message and end the client's connection.
        PrintStream stdout = System.out;
        System.setOut(System.err);
        // The stores stay open while the server runs: every read tool reads them (many readers may).
        try (SqliteStores stores = ctx.openStores()) {
            StoreReads reads = new StoreReads(stores.sessions(), stores.outputs(), stores.events(),
                    PromptRulesFile.load(ctx.home().dir()));
            HarnessService service = new ClientHarnessService(reads, ctx::daemonOrLaunch);
            HarnessTools tools = new HarnessTools(service, ctx.env().clock(), ctx.env().env(), ctx.env().cwd());
            new HarnessMcpServer(tools, Version.current()).serve(ctx.env().stdin(), ctx.env().stdout());
        } finally {
            System.setOut(stdout);
        }
        return 0;
    }
}
