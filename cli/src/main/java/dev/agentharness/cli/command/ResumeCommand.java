package dev.agentharness.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentharness.agents.AgentProfiles;
import dev.agentharness.cli.ExitCodes;
import dev.agentharness.core.error.UsageException;
import dev.agentharness.service.wire.ControlClient;
import dev.agentharness.service.wire.ControlProtocol;
import dev.agentharness.service.view.JsonViews.SessionView;
import dev.agentharness.service.lookup.SessionResolver;
import dev.agentharness.core.Session;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.store.SqliteStores;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code resume} continues a session, whichever way it stopped: a paused agent gets SIGCONT (the
 * counterpart of {@code pause}, as before); a finished agent session's conversation goes on in a
 * new session ({@code claude --resume ID}, {@code codex exec resume ID}...). The session's state
 * decides, so the one verb never needs a flag to say which is meant.
 */
@Command(name = "resume",
        description = {"Continue a session. A paused one: SIGCONT to its process group (the counterpart of pause).",
                "A finished agent session: a new session continues the agent's conversation (claude --resume ID, "
                        + "codex exec resume ID, gemini --resume ID, aider --restore-chat-history) in the same cwd, "
                        + "with PROMPT as the next message; linked by resumeOf, named like restarts. Prints the new id."})
public final class ResumeCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Parameters(index = "0", paramLabel = "SESSION")
    String session;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "PROMPT",
            description = "The next message for the agent (words are joined by spaces); finished sessions only.")
    List<String> prompt = List.of();

    public ResumeCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Session s;
        try (SqliteStores stores = ctx.openStores()) {
            s = new SessionResolver(stores.sessions()).resolve(session);
        }
        String text = prompt.isEmpty() ? null : String.join(" ", prompt);
        if (s.isActive()) {
            if (text != null) {
                throw new UsageException("session " + s.label() + " is " + s.status().wireName() + "; a PROMPT resumes a "
                        + "finished session's conversation (harness send writes to a running agent)");
            }
            try (ControlClient client = DaemonRequired.forSession(ctx, s.id())) {
                SessionView v = client.read(client.call(client.request(ControlProtocol.OP_RESUME).put("session", s.id())),
                        "session", SessionView.class);
                ctx.env().out().println("session " + v.label() + " " + v.status());
            }
            return ExitCodes.OK;
        }
        // Decided here first, so that a session that cannot be resumed starts no daemon.
        new AgentProfiles().resumeRefusal(s.agent().agent(), s.command(), s.agent().agentSessionId()).ifPresent(why -> {
            throw new HarnessException("cannot resume session " + s.label() + ": " + why);
        });
        SessionStarter.Started started;
        try (ControlClient client = ctx.daemonOrLaunch()) {
            ObjectNode request = client.request(ControlProtocol.OP_RESUME).put("session", s.id());
            if (text != null) {
                request.put("prompt", text);
            }
            JsonNode answer = client.call(request);
            started = SessionStarter.Started.of(answer);
        }
        ctx.env().out().println(started.id());
        if (started.failedToSpawn()) {
            ctx.env().flush();
            ctx.env().err().println("harness: session " + started.label() + " failed to start: " + started.reason());
            return ExitCodes.ERROR;
        }
        return ExitCodes.OK;
    }
}
