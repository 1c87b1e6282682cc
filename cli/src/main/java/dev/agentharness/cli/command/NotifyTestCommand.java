package dev.agentharness.cli.command;

import dev.agentharness.cli.ExitCodes;
import dev.agentharness.core.error.UsageException;
import dev.agentharness.cli.Version;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.core.notify.NotificationEvent;
import dev.agentharness.supervisor.notify.NotificationPayloads;
import dev.agentharness.supervisor.notify.NotifyConfig;
import dev.agentharness.supervisor.notify.NotifySettings;
import dev.agentharness.supervisor.notify.Sink;
import dev.agentharness.supervisor.notify.SinkAddress;
import dev.agentharness.supervisor.notify.Sinks;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "test", sortOptions = false,
        description = {"Send a sample `waiting` notification to every configured sink (and any --notify given),",
                "one attempt each, right now, and print what each answered. Exit 1 if any failed.",
                "Needs no daemon."})
public final class NotifyTestCommand implements Callable<Integer> {
    static final String TEST_SESSION = "00000000000000000000TEST00";

    private final CommandContext ctx;

    @Option(names = "--notify", paramLabel = "SINK", description = "Also test this sink (repeatable).")
    List<String> extra = new ArrayList<>();

    public NotifyTestCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    static NotifyConfig config(CommandContext ctx) {
        try {
            return NotifyConfig.load(ctx.home());
        } catch (IllegalArgumentException e) {
            throw new HarnessException(ctx.home().config() + ": " + e.getMessage());
        }
    }

    @Override
    public Integer call() {
        Set<SinkAddress> sinks = new LinkedHashSet<>(config(ctx).sinks());
        for (String s : extra) {
            try {
                sinks.add(SinkAddress.parse(s));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--notify: " + e.getMessage());
            }
        }
        if (sinks.isEmpty()) {
            throw new HarnessException("no notification sinks: add `notify = ...` lines to " + ctx.home().config()
                    + " or give --notify SINK");
        }
        Instant now = ctx.env().clock().instant();
        Session sample = Session.starting(TEST_SESSION,
                        SessionSpec.builder(List.of("harness", "notify", "test"), ctx.env().cwd().toString())
                                .name("notify-test").project(ctx.env().cwd().toString()).build(), 1, now)
                .toBuilder().status(SessionStatus.WAITING_CHECKPOINT).startedAt(now).build();
        String payload = new NotificationPayloads().build(NotificationEvent.WAITING, sample, SessionStatus.RUNNING,
                "a test from harness notify test", "This is a test notification. Did it arrive? (y/n)", now);
        Sinks factory = new Sinks(NotifySettings.defaults(), "agent-harness/" + Version.current());
        PrintWriter out = ctx.env().out();
        int failed = 0;
        for (SinkAddress a : sinks) {
            Sink sink = factory.forAddress(a, Map.of("HARNESS_EVENT", NotificationEvent.WAITING.wireName(),
                    "HARNESS_SESSION", TEST_SESSION));
            try {
                out.println(a.masked() + ": ok, " + sink.deliver(payload));
            } catch (Sink.DeliveryException e) {
                failed++;
                out.println(a.masked() + ": FAILED, " + e.getMessage());
            }
            out.flush();
        }
        return failed == 0 ? ExitCodes.OK : ExitCodes.ERROR;
    }
}
