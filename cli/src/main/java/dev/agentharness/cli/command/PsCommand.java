package dev.agentharness.cli.command;

import dev.agentharness.service.view.Human;
import dev.agentharness.service.view.JsonViews.SessionView;
import dev.agentharness.cli.format.TableFormatter;
import dev.agentharness.cli.format.TableFormatter.Align;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionQuery;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.store.SqliteStores;
import java.io.PrintWriter;
import dev.agentharness.core.error.UsageException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "ps", sortOptions = false,
        description = {"List sessions: the active ones (one per busy slot) unless --all or --status.",
                "Reads the database directly; works while the daemon is down."})
public final class PsCommand implements Callable<Integer> {
    /** ULIDs share their first ten characters (the millisecond) only when made in the same millisecond. */
    static final int SHORT_ID = 12;
    static final String CLEAR_SCREEN = "\033[H\033[2J";

    private final CommandContext ctx;

    @Option(names = {"-a", "--all"}, description = "Include finished sessions, newest first.")
    boolean all;

    @Option(names = "--status", paramLabel = "S", split = ",", converter = Converters.StatusConverter.class,
            description = "Only sessions with this status (repeatable or comma-separated): starting, running, "
                    + "waiting_checkpoint, stalled, paused, completed, failed, stopped, timed_out, crashed.")
    List<SessionStatus> statuses = List.of();

    @Option(names = "--limit", paramLabel = "N", converter = Converters.NonNegativeConverter.class,
            description = "At most N sessions (0, the default, for no limit).")
    int limit;

    @Option(names = "--project", paramLabel = "DIR",
            description = "Only sessions of this project (DIR or the git work tree that holds it).")
    String project;

    @Option(names = "--no-trunc", description = "Show full ids, names and commands instead of cutting them to fit.")
    boolean noTrunc;

    @Option(names = "--watch", paramLabel = "DUR", arity = "0..1", fallbackValue = "2s",
            converter = Converters.DurationConverter.class,
            description = "Refresh the list in place every DUR (default 2s), like watch(1), until Ctrl-C.")
    Duration watch;

    @Mixin
    JsonOption json;

    public PsCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        if (watch != null && (watch.isZero() || watch.isNegative())) {
            throw new UsageException("--watch must be longer than 0");
        }
        if (watch != null && json.enabled()) {
            throw new UsageException("use either --watch or --json, not both");
        }
        try (SqliteStores stores = ctx.openStoresToRead()) {
            if (watch == null) {
                return print(stores);
            }
            PrintWriter out = ctx.env().out();
            while (true) {
                // Home the cursor and clear the screen, as watch(1) does, then draw the list again.
                out.print(CLEAR_SCREEN);
                out.println("Every " + dev.agentharness.core.DurationFormat.format(watch) + ": harness ps"
                        + (all ? " --all" : "") + "    " + ctx.env().clock().instant().truncatedTo(ChronoUnit.SECONDS));
                out.println();
                print(stores);
                ctx.env().flush();
                Thread.sleep(watch.toMillis());
            }
        }
    }

    private int print(SqliteStores stores) throws Exception {
        Instant now = ctx.env().clock().instant();
        List<Session> sessions;
        int queued;
        String dir = project == null ? null : ProjectOption.resolve(project, ctx.env().cwd());
        {
            if (!statuses.isEmpty()) {
                sessions = stores.sessions().list(SessionQuery.byStatus(EnumSet.copyOf(statuses)).withLimit(limit).withProject(dir));
            } else if (all) {
                sessions = stores.sessions().list(SessionQuery.ALL.withLimit(limit).withProject(dir));
            } else {
                sessions = stores.sessions().listActive();
                if (dir != null) {
                    sessions = sessions.stream().filter(s -> dir.equals(s.spec().project())).toList();
                }
                if (limit > 0 && sessions.size() > limit) {
                    sessions = sessions.subList(0, limit);
                }
            }
            queued = json.enabled() ? 0 : stores.queue().list().size();
        }
        PrintWriter out = ctx.env().out();
        if (json.enabled()) {
            ctx.printJson(sessions.stream().map(s -> SessionView.of(s, now)).toList());
            return 0;
        }
        TableFormatter table = new TableFormatter()
                .column("ID", Align.LEFT)
                .column("NAME", Align.LEFT, noTrunc ? Integer.MAX_VALUE : 24)
                .column("SLOT", Align.RIGHT)
                .column("STATUS", Align.LEFT)
                .column("PID", Align.RIGHT)
                .column("EXIT", Align.RIGHT)
                .column("AGE", Align.RIGHT)
                .column("LAST OUTPUT", Align.RIGHT)
                .column("BYTES", Align.RIGHT)
                .column("AGENT", Align.LEFT)
                .column("COST", Align.RIGHT)
                .column("COMMAND", Align.LEFT, noTrunc ? Integer.MAX_VALUE : 48);
        int idLength = noTrunc ? Integer.MAX_VALUE : shortIdLength(sessions);
        for (Session s : sessions) {
            table.row(s.id().substring(0, Math.min(idLength, s.id().length())), s.name(), s.slot(), status(s),
                    s.isActive() ? s.pid() : null, s.exitCode(), Human.age(s.createdAt(), now),
                    Human.ago(s.lastActivityAt(), now), Human.bytes(s.outputBytes()), s.agent().agent(),
                    Human.cost(s.agent().costUsd(), reportsUsage(s)), Human.command(s.command()));
        }
        table.print(out);
        if (sessions.isEmpty()) {
            out.println(all || !statuses.isEmpty() ? "(no sessions)" : "(no active sessions; harness ps --all shows finished ones)");
        }
        if (queued > 0) {
            out.println(queued + " start request" + (queued == 1 ? "" : "s") + " queued for a free slot");
        }
        return 0;
    }

    /** Whether a cost could be known: the agent printed structured output ("?" until then), else "-". */
    static boolean reportsUsage(Session s) {
        return s.agent().agentSessionId() != null || s.agent().totalTokens() > 0 || s.agent().resultStatus() != null;
    }

    /** The shortest length from {@link #SHORT_ID} up at which the shown ids are still distinct. */
    static int shortIdLength(List<Session> sessions) {
        for (int length = SHORT_ID; ; length++) {
            Set<String> seen = new HashSet<>();
            boolean distinct = true;
            int longest = 0;
            for (Session s : sessions) {
                longest = Math.max(longest, s.id().length());
                if (!seen.add(s.id().substring(0, Math.min(length, s.id().length())).toUpperCase(Locale.ROOT))) {
                    distinct = false;
                }
            }
            if (distinct || length >= longest) {
                return length;
            }
        }
    }

    /** Longest question shown after a waiting session's status. */
    static final int QUESTION_WIDTH = 32;

    /**
     * The status; for a session waiting at a question read off its screen, the question too, shortened;
     * for an active session whose agent reports through hooks, what it last said (idle, waiting...).
     */
    static String status(Session s) {
        String status = s.status().wireName();
        if (s.status() != dev.agentharness.core.SessionStatus.WAITING_CHECKPOINT || s.reason() == null || s.reason().isBlank()) {
            if (s.activity() != null && s.status().isActive() && s.status() != dev.agentharness.core.SessionStatus.WAITING_CHECKPOINT) {
                return status + ", " + s.activity().state().wireName();
            }
            return status;
        }
        String q = Human.printable(s.reason().strip());
        if (q.codePointCount(0, q.length()) > QUESTION_WIDTH) {
            q = q.substring(0, q.offsetByCodePoints(0, QUESTION_WIDTH - 1)) + "…";
        }
        return status + " \"" + q + "\"";
    }
}
