package dev.agentharness.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentharness.core.error.UsageException;
import dev.agentharness.service.wire.ControlClient;
import dev.agentharness.service.wire.ControlProtocol;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "web",
        description = {"Serve the web dashboard from the daemon (starting one if none runs) and print its address.",
                "The dashboard listens on 127.0.0.1 only and needs the token in the address (kept in web.token in the home);",
                "nothing is opened: copy the address into a browser. Without --port: web.port from the home's config, else any free port."})
public final class WebCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Option(names = "--port", paramLabel = "N", description = "Serve on this port (0: any free one); a dashboard already served elsewhere moves here.")
    Integer port;

    public WebCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (port != null && (port < 0 || port > 65535)) {
            throw new UsageException("invalid port " + port + " (0 to 65535; 0 picks a free one)");
        }
        JsonNode answer;
        try (ControlClient client = ctx.daemonOrLaunch()) {
            ObjectNode request = client.request(ControlProtocol.OP_WEB);
            if (port != null) {
                request.put("port", port);
            }
            answer = client.call(request);
        }
        ctx.env().out().println(answer.path("url").asText());
        return 0;
    }
}
