package dev.agentharness.cli.command;

import dev.agentharness.service.view.Human;
import dev.agentharness.service.view.JsonViews.SessionView;
import dev.agentharness.service.lookup.SessionResolver;
import dev.agentharness.core.DurationFormat;
import dev.agentharness.supervisor.notify.SinkAddress;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionEvent;
import dev.agentharness.store.SqliteStores;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "show", sortOptions = false,
        description = {"Everything about one session, with its recent events.",
                "SESSION is a full id, a unique id prefix (any case) or a name."})
public final class ShowCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Parameters(index = "0", paramLabel = "SESSION")
    String session;

    @Option(names = "--events", paramLabel = "N", converter = Converters.NonNegativeConverter.class,
            description = "How many of the most recent events to include (default 50).")
    int events = 50;

    @Mixin
    JsonOption json;

    public ShowCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Instant now = ctx.env().clock().instant();
        Session s;
        List<SessionEvent> recent;
        try (SqliteStores stores = ctx.openStoresToRead()) {
            s = new SessionResolver(stores.sessions()).resolve(session);
            recent = events == 0 ? List.of() : stores.events().listRecent(s.id(), events);
        }
        PrintWriter out = ctx.env().out();
        if (json.enabled()) {
            ctx.printJson(SessionView.of(s, now, recent));
            return 0;
        }
        print(out, s, recent, now);
        return 0;
    }

    private static void print(PrintWriter out, Session s, List<SessionEvent> events, Instant now) {
        var spec = s.spec();
        field(out, "id", s.id());
        field(out, "name", s.name());
        field(out, "status", s.status().wireName() + (s.reason() != null ? " — " + s.reason() : ""));
        field(out, "slot", s.slot());
        field(out, "pid", s.pid());
        field(out, "exit code", s.exitCode());
        field(out, "command", Human.command(s.command()));
        field(out, "cwd", s.cwd());
        field(out, "project", spec.project() == null || spec.project().equals(s.cwd()) ? null : spec.project());
        field(out, "notify", spec.notifySinks().isEmpty() ? null
                : String.join(", ", spec.notifySinks().stream().map(SinkAddress::mask).toList()));
        field(out, "terminal", spec.tty() ? spec.terminal() + " (pty)" : "pipes, stdin " + (spec.interactive() ? "open" : "/dev/null"));
        if (s.status() == dev.agentharness.core.SessionStatus.WAITING_CHECKPOINT) {
            events.stream().filter(e -> e.type() == dev.agentharness.core.EventType.CHECKPOINT).reduce((a, b) -> b.seq() > a.seq() ? b : a)
                    .ifPresent(e -> {
                        field(out, "question", e.data().getOrDefault("question", e.data().get("text")));
                        Object options = e.data().get("options");
                        if (options instanceof List<?> list && !list.isEmpty()) {
                            field(out, "options", list.stream().map(String::valueOf).collect(Collectors.joining(" | ")));
                        }
                    });
        }
        field(out, "env", s.env().isEmpty() ? null : String.join(", ", s.env().keySet()) + " (values hidden)");
        field(out, "run", s.runId());
        field(out, "restart of", s.restartOf() == null ? null : s.restartOf() + " (restart " + spec.restartCount() + ")");
        field(out, "restart", spec.restartPolicy().mode().wireName()
                + (spec.restartPolicy().mode().wireName().equals("no") ? "" : ", at most " + spec.restartPolicy().maxRestarts()));
        field(out, "max runtime", spec.maxRuntime() == null ? null : DurationFormat.format(spec.maxRuntime()));
        field(out, "stall timeout", spec.stallTimeout() == null ? "the daemon's default" : DurationFormat.format(spec.stallTimeout()));
        field(out, "created", when(s.createdAt(), now));
        field(out, "started", when(s.startedAt(), now));
        field(out, "ended", when(s.endedAt(), now));
        Duration runtime = s.runtime(now);
        field(out, "runtime", runtime == null ? null : Human.duration(runtime));
        field(out, "output", Human.bytes(s.outputBytes()) + " in " + s.outputChunks() + " chunk" + (s.outputChunks() == 1 ? "" : "s")
                + (s.lastActivityAt() != null ? ", last " + Human.ago(s.lastActivityAt(), now) : ""));
        if (s.stalledSince() != null) {
            field(out, "stalled since", when(s.stalledSince(), now) + ", escalation " + s.escalationLevel());
        }
        var a = s.agent();
        field(out, "agent", a.agent());
        if (a.agentSessionId() != null || a.model() != null || a.resultStatus() != null || a.totalTokens() > 0) {
            field(out, "agent session", a.agentSessionId());
            field(out, "model", a.model());
            field(out, "cost", Human.cost(a.costUsd(), true) + (a.costUsd() == null ? " (unknown: no price for this model)" : ""));
            field(out, "tokens", "input " + a.inputTokens() + ", output " + a.outputTokens() + ", cache read "
                    + a.cacheReadTokens() + ", cache write " + a.cacheWriteTokens());
            field(out, "turns", a.turns());
            field(out, "result", a.resultStatus());
            field(out, "tool calls", a.toolCalls());
        }
        if (s.activity() != null) {
            field(out, "agent status", s.activity().state().wireName()
                    + (s.activity().detail() == null ? "" : " — " + Human.printable(s.activity().detail()))
                    + " (its hook, " + Human.ago(s.activity().at(), now) + ")");
        }
        field(out, "resume of", s.resumeOf());
        if (!s.metadata().isEmpty()) {
            field(out, "metadata", s.metadata().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        }
        out.println("events:");
        if (events.isEmpty()) {
            out.println("  (none)");
        }
        for (SessionEvent e : events) {
            out.println("  " + e.timestamp() + "  " + e.type().wireName() + data(e.data()));
        }
    }

    private static void field(PrintWriter out, String label, Object value) {
        out.printf("%-14s %s%n", label + ":", value == null ? "-" : Human.printable(String.valueOf(value)));
    }

    private static String when(Instant at, Instant now) {
        return at == null ? null : at + " (" + Human.ago(at, now) + ")";
    }

    private static String data(Map<String, Object> data) {
        if (data.isEmpty()) {
            return "";
        }
        return "  " + Human.printable(data.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" ")));
    }
}
