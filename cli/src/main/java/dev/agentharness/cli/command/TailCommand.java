package dev.agentharness.cli.command;

import dev.agentharness.cli.Errors;
import dev.agentharness.core.error.UsageException;
import dev.agentharness.daemon.DaemonPid;
import dev.agentharness.service.lookup.SessionResolver;
import dev.agentharness.cli.tail.ChunkSink;
import dev.agentharness.cli.tail.EscapingStream;
import dev.agentharness.cli.tail.OutputFollower;
import dev.agentharness.cli.tail.PushFollower;
import dev.agentharness.cli.tail.RestartChain;
import dev.agentharness.core.DurationFormat;
import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.StreamType;
import dev.agentharness.store.SqliteStores;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import dev.agentharness.cli.tail.PrefixedFollower;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Optional;
import java.util.function.Function;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tail", aliases = "logs", sortOptions = false,
        description = {"Print a session's captured output exactly as the agent wrote it (both streams in arrival order).",
                "Reads the database directly: works while the daemon is down and from any process.",
                "With -f, follows live and exits 0 when the session ends, printing its final status on stderr."})
public final class TailCommand implements Callable<Integer> {
    private static final int DEFAULT_LINES = 10;

    private final CommandContext ctx;

    @Parameters(arity = "0..*", paramLabel = "SESSION",
            description = "One session; or several, each line then prefixed with its session's name, as pm2 logs does.")
    List<String> sessionRefs = new ArrayList<>();

    @Option(names = "--all", description = "Every active session, each line prefixed with its session's name; "
            + "with -f, also sessions that start later, until Ctrl-C.")
    boolean all;

    @Option(names = {"-n", "--lines"}, paramLabel = "N|all", converter = Converters.LineCountConverter.class,
            description = "Print the last N lines (default 10; of each session when there are several), or all output.")
    Integer lines;

    @Option(names = {"-f", "--follow"}, description = "Keep printing output as it arrives until the session ends.")
    boolean follow;

    @Option(names = "--stream", paramLabel = "stdout|stderr", converter = Converters.StreamConverter.class,
            description = "Only this stream.")
    StreamType stream;

    @Option(names = "--escape",
            description = "Show control characters (escape sequences, NULs, bytes that are not UTF-8) visibly instead of sending them to the terminal.")
    boolean escape;

    @Option(names = "--since", paramLabel = "DUR|TIME",
            description = "Output stored since this long ago (30s, 5m) or since an ISO-8601 time, instead of -n.")
    String since;

    public TailCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        if (since != null && lines != null) {
            throw new UsageException("use either -n or --since, not both");
        }
        if (sessionRefs.isEmpty() && !all) {
            throw new UsageException("name a SESSION (or several), or use --all");
        }
        if (all || sessionRefs.size() > 1) {
            return prefixed();
        }
        String session = sessionRefs.get(0);
        Instant sinceInstant = since == null ? null : parseSince(since, ctx.env().clock().instant());
        Set<StreamType> streams = stream == null ? EnumSet.allOf(StreamType.class) : EnumSet.of(stream);
        // The bytes the agent wrote, to the real stdout: escape sequences included, as a terminal
        // replay should be (docker logs does the same); --escape shows them instead.
        OutputStream raw = new BufferedOutputStream(ctx.env().stdout(), 1 << 16);
        OutputStream out = escape ? new EscapingStream(raw) : raw;
        try (SqliteStores stores = ctx.openStoresToRead()) {
            Session s = new SessionResolver(stores.sessions()).resolve(session);
            long cursor;
            if (sinceInstant != null) {
                cursor = writeSince(stores, s.id(), sinceInstant, streams, out);
            } else {
                int n = lines == null ? DEFAULT_LINES : lines;
                if (n == Converters.ALL_LINES) {
                    cursor = stores.outputs().writeFull(s.id(), streams, out);
                } else if (n == 0) {
                    cursor = stores.outputs().size(s.id()).lastSeq();
                } else {
                    cursor = stores.outputs().writeLastLines(s.id(), n, streams, out);
                }
            }
            out.flush();
            if (!follow) {
                return 0;
            }
            if (s.isActive() && DaemonPid.readAlive(ctx.home()).isEmpty()) {
                ctx.env().err().println("harness: note: no daemon is running; " + s.label()
                        + " will show as ended once a daemon starts and reconciles it");
            }
            PushFollower follower = new PushFollower(ctx.home().socket(), stores.sessions(),
                    new OutputFollower(stores.outputs(), stores.sessions()));
            Session ended = follower.follow(s.id(), cursor, streams, ChunkSink.to(out));
            out.flush();
            RestartChain chain = new RestartChain(stores.sessions());
            while (RestartChain.willRestart(ended)) {
                ctx.env().err().println("harness: " + EndMessage.of(ended) + "; " + RestartChain.announcement(ended));
                var next = chain.successor(ended, RestartChain.SUCCESSOR_TIMEOUT,
                        () -> DaemonPid.readAlive(ctx.home()).isPresent());
                if (next.isEmpty()) {
                    ctx.env().err().println("harness: no restart of " + ended.label() + " appeared (the daemon stopped?)");
                    return 0;
                }
                ctx.env().err().println("harness: following " + next.get().label() + " (" + next.get().id() + ")");
                ended = follower.follow(next.get().id(), 0, streams, ChunkSink.to(out));
                out.flush();
            }
            ctx.env().err().println("harness: " + EndMessage.of(ended));
            return 0;
        } catch (IOException e) {
            if (Errors.isBrokenPipe(e)) {
                return 0;
            }
            throw e;
        }
    }

    /** Several sessions, or --all: pm2-style prefixed lines. */
    private int prefixed() throws Exception {
        if (since != null) {
            throw new UsageException("--since works with one session");
        }
        Set<StreamType> streams = stream == null ? EnumSet.allOf(StreamType.class) : EnumSet.of(stream);
        Writer out = new BufferedWriter(new OutputStreamWriter(ctx.env().stdout(), StandardCharsets.UTF_8), 1 << 16);
        try (SqliteStores stores = ctx.openStoresToRead()) {
            SessionResolver resolver = new SessionResolver(stores.sessions());
            List<Session> chosen = new ArrayList<>();
            for (String ref : sessionRefs) {
                chosen.add(resolver.resolve(ref));
            }
            if (all) {
                chosen.addAll(stores.sessions().listActive());
            }
            PrefixedFollower follower = new PrefixedFollower(stores.outputs(), stores.sessions(), streams, out, ctx.env().err());
            int n = lines == null ? DEFAULT_LINES : lines;
            for (Session s : chosen) {
                follower.add(s, n == Converters.ALL_LINES ? -1 : n);
            }
            if (!follow) {
                out.flush();
                return 0;
            }
            // Every session made since the follow began, even one that has already ended again.
            Instant began = ctx.env().clock().instant().minusSeconds(1);
            Optional<Function<Set<String>, List<Session>>> newcomers = all
                    ? Optional.of(seen -> {
                        List<Session> made = new ArrayList<>(stores.sessions().list(
                                dev.agentharness.core.SessionQuery.ALL.createdBetween(began, null)));
                        made.addAll(stores.sessions().listActive());
                        return made.stream().filter(x -> !seen.contains(x.id())).sorted(
                                java.util.Comparator.comparing(Session::id)).toList();
                    })
                    : Optional.empty();
            follower.follow(newcomers, () -> DaemonPid.readAlive(ctx.home()).isPresent(), ctx.home().socket());
            out.flush();
            return 0;
        } catch (IOException e) {
            if (Errors.isBrokenPipe(e)) {
                return 0;
            }
            throw e;
        }
    }

    private static long writeSince(SqliteStores stores, String id, Instant since, Set<StreamType> streams, OutputStream out)
            throws IOException {
        List<OutputChunk> chunks = stores.outputs().getBySessionSince(id, since);
        long cursor = 0;
        for (OutputChunk c : chunks) {
            if (streams.contains(c.stream())) {
                out.write(c.data());
            }
            cursor = c.seq();
        }
        if (chunks.isEmpty()) {
            // Nothing since then: follow from the end, not from the start.
            cursor = stores.outputs().size(id).lastSeq();
        }
        return cursor;
    }

    static Instant parseSince(String text, Instant now) {
        try {
            return now.minus(DurationFormat.parse(text));
        } catch (IllegalArgumentException notDuration) {
            try {
                return Instant.parse(text.trim());
            } catch (DateTimeParseException notInstant) {
                try {
                    return OffsetDateTime.parse(text.trim()).toInstant();
                } catch (DateTimeParseException e) {
                    throw new UsageException("invalid --since '" + text + "' (expected a duration such as 30s or 5m, "
                            + "or an ISO-8601 time such as 2025-01-31T12:00:00Z)");
                }
            }
        }
    }
}
