package dev.agentharness.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentharness.core.error.UsageException;
import dev.agentharness.service.wire.ControlClient;
import dev.agentharness.service.wire.ControlProtocol;
import dev.agentharness.service.lookup.SessionResolver;
import dev.agentharness.service.screen.StoredScreen;
import dev.agentharness.core.Session;
import dev.agentharness.store.SqliteStores;
import dev.agentharness.terminal.KeyEncoder;
import dev.agentharness.terminal.Screen;
import java.io.InputStream;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "send", sortOptions = false,
        description = {"Write to an agent's stdin (through the daemon).",
                "TEXT... is joined with spaces and ended with a newline; '-' copies standard input as it is.",
                "--keys sends tmux key names and text as a terminal would type them."})
public final class SendCommand implements Callable<Integer> {
    /**
     * Standard input is forwarded in pieces of this size, each one request, well under the daemon's
     * request limit once base64-encoded ({@code ControlProtocol.MAX_REQUEST_BYTES}). Each request
     * waits until the agent has read the one before (the daemon queues one piece per session), so a
     * fast sender goes at the agent's pace, and one whose agent stops reading gets an error.
     */
    private static final int STDIN_PIECE = 64 * 1024;

    private final CommandContext ctx;

    @Parameters(index = "0", paramLabel = "SESSION")
    String session;

    @Parameters(index = "1..*", paramLabel = "TEXT", description = "What to send, or - for standard input.")
    List<String> text = List.of();

    @Option(names = "--no-newline", description = "Do not add a newline after TEXT.")
    boolean noNewline;

    @Option(names = "--keys", description = {"TEXT... are tmux key names (Enter Up Down Left Right Tab Escape C-c C-d BSpace M-x F1...);",
            "other words are text, sent as a bracketed paste where the agent asked for that mode. Nothing is added."})
    boolean keys;

    @Option(names = "--close", description = "Close the agent's stdin (EOF) after sending; alone, just close it.")
    boolean close;

    public SendCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        boolean fromStdin = text.size() == 1 && text.get(0).equals("-");
        if (text.isEmpty() && !close) {
            throw new UsageException("nothing to send: give TEXT, - for standard input, or --close");
        }
        try (ControlClient client = DaemonRequired.forSession(ctx, session)) {
            if (keys) {
                if (text.isEmpty()) {
                    throw new UsageException("--keys needs at least one key or text");
                }
                ObjectNode request = request(client);
                request.put("base64", Base64.getEncoder().encodeToString(new KeyEncoder(modes()).encode(text)));
                client.call(request);
                if (close) {
                    client.call(request(client).put("close", true));
                }
            } else if (fromStdin) {
                sendStdin(client);
            } else if (!text.isEmpty()) {
                ObjectNode request = request(client);
                request.put("text", String.join(" ", text) + (noNewline ? "" : "\n"));
                request.put("close", close);
                client.call(request);
            } else {
                client.call(request(client).put("close", true));
            }
        }
        return 0;
    }

    /** The agent's input modes now, from its stored output (bracketed paste, cursor-key mode). */
    private Screen.InputModes modes() {
        try (SqliteStores stores = ctx.openStores()) {
            Session s = new SessionResolver(stores.sessions()).resolve(session);
            if (!s.spec().tty()) {
                return Screen.InputModes.NONE;
            }
            return new StoredScreen(stores.outputs(), stores.events()).replay(s).emulator().screen().modes();
        }
    }

    private void sendStdin(ControlClient client) throws java.io.IOException {
        InputStream in = ctx.env().stdin();
        byte[] piece = new byte[STDIN_PIECE];
        while (true) {
            int n = in.readNBytes(piece, 0, piece.length);
            if (n <= 0) {
                break;
            }
            ObjectNode request = request(client);
            request.put("base64", Base64.getEncoder().encodeToString(n == piece.length ? piece : java.util.Arrays.copyOf(piece, n)));
            client.call(request);
            if (n < piece.length) {
                break;
            }
        }
        if (close) {
            client.call(request(client).put("close", true));
        }
    }

    private ObjectNode request(ControlClient client) {
        return client.request(ControlProtocol.OP_SEND).put("session", session);
    }
}
