package dev.agentharness.cli.command;

import dev.agentharness.agents.AgentHooks;
import dev.agentharness.agents.AgentProfile;
import dev.agentharness.agents.AgentProfiles;
import dev.agentharness.agents.HookReport;
import dev.agentharness.agents.MalformedLineException;
import dev.agentharness.agents.ParseState;
import dev.agentharness.core.AgentActivity;
import dev.agentharness.core.ControlChars;
import dev.agentharness.core.EventType;
import dev.agentharness.core.Session;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.store.SqliteStores;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What an agent's hook runs (Claude Code's {@code --settings} that the harness adds to an
 * interactive session; see {@code AgentHookSetup}): reads the hook's JSON on stdin and records it
 * straight into the database, as the other commands that write do, so it needs no daemon.
 *
 * <p>It must never get in the agent's way: it always exits 0 and prints nothing (Claude Code reads a
 * hook's stdout as instructions and shows its stderr), whatever goes wrong; a problem is one line in
 * the home's {@code daemon.log}. It never creates a home.
 */
@Command(name = "hook", hidden = true,
        description = {"Record an agent's hook callback (its JSON on stdin) for session $HARNESS_SESSION_ID.",
                "Run by the agent, not by hand: the harness registers it with Claude Code's --settings."})
public final class HookCommand implements Callable<Integer> {
    /** Hook input is one JSON object; a Write of a large file puts the whole file in it, which is cut off here. */
    static final int MAX_INPUT = 4 << 20;
    static final String SESSION_ENV = "HARNESS_SESSION_ID";

    private final CommandContext ctx;

    @Option(names = "--session", paramLabel = "SESSION", description = "The session (default: $HARNESS_SESSION_ID).")
    String session;

    @Option(names = "--agent", paramLabel = "NAME", description = "The agent's profile (default: the session's).")
    String agent;

    public HookCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        HarnessHome home = null;
        String id = session != null ? session : ctx.env().env().get(SESSION_ENV);
        try {
            home = ctx.home();
            byte[] input = readInput(ctx.env().stdin());
            if (id == null || id.isBlank()) {
                throw new IllegalStateException("no session: neither --session nor " + SESSION_ENV);
            }
            if (input == null) {
                throw new IllegalStateException("hook input over " + (MAX_INPUT >> 20) + " MiB, not recorded");
            }
            record(home.requireExisting(), id, new String(input, StandardCharsets.UTF_8));
        } catch (Exception | OutOfMemoryError e) {
            log(home, id, e);
        }
        return 0;
    }

    private void record(HarnessHome home, String id, String input) throws MalformedLineException {
        try (SqliteStores stores = ctx.openStores()) {
            Session s = stores.sessions().get(id).orElseThrow(() -> new IllegalStateException("no session " + id));
            AgentProfiles profiles = new AgentProfiles();
            AgentProfile profile = profiles.resolve(agent != null ? agent : s.agent().agent(), s.command());
            AgentHooks hooks = profile.hooks()
                    .orElseThrow(() -> new IllegalStateException("agent " + profile.name() + " has no hooks"));
            HookReport report = hooks.read(input);
            Instant now = ctx.env().clock().instant();
            AgentActivity activity = report.state() == null ? null : new AgentActivity(report.state(), report.detail(), now);
            stores.transactor().inTransaction(() -> {
                AgentActivity before = stores.sessions().get(id).map(Session::activity).orElse(null);
                stores.sessions().recordHook(id, report.agentSessionId(), report.model(), report.toolCalls(), activity);
                for (ParseState.Event e : report.events()) {
                    stores.events().append(id, e.type(), e.data());
                }
                if (activity != null && (before == null || before.state() != activity.state())) {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("state", activity.state().wireName());
                    data.put("hook", report.hook());
                    if (activity.detail() != null) {
                        data.put("detail", activity.detail());
                    }
                    stores.events().append(id, EventType.AGENT_STATUS, data);
                }
            });
        }
    }

    /** All of stdin (so the agent never writes into a closed pipe); null when it is over {@link #MAX_INPUT}. */
    static byte[] readInput(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        boolean over = false;
        for (int n; (n = in.read(buf)) >= 0; ) {
            if (!over && out.size() + n > MAX_INPUT) {
                over = true;
                out = null;
            }
            if (!over) {
                out.write(buf, 0, n);
            }
        }
        return over ? null : out.toByteArray();
    }

    /** One line in daemon.log (made 0600 like every file in the home); nothing at all when there is no home. */
    private void log(HarnessHome home, String id, Throwable e) {
        if (ctx.global().debug()) {
            e.printStackTrace(ctx.env().err());
        }
        try {
            if (home == null || !Files.isDirectory(home.dir())) {
                return;
            }
            String line = ctx.env().clock().instant() + " [WARN] hook: session " + (id == null ? "?" : ControlChars.forLog(id))
                    + ": " + ControlChars.forLog(String.valueOf(e.getMessage() != null ? e.getMessage() : e.toString())) + "\n";
            if (!Files.exists(home.daemonLog())) {
                try {
                    Files.createFile(home.daemonLog(),
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // the daemon made it first
                }
            }
            try (OutputStream out = Files.newOutputStream(home.daemonLog(), StandardOpenOption.APPEND)) {
                out.write(line.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException | RuntimeException ignored) {
            // nowhere left to say it; the agent must not notice
        }
    }
}
