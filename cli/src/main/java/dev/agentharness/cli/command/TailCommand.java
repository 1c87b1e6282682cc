package dev.agentharness.cli.command;

import dev.agentharness.cli.Errors;
import dev.agentharness.cli.UsageException;
import dev.agentharness.cli.daemon.DaemonPid;
import dev.agentharness.cli.lookup.SessionResolver;
import dev.agentharness.cli.tail.ChunkSink;
import dev.agentharness.cli.tail.EscapingStream;
import dev.agentharness.cli.tail.OutputFollower;
import dev.agentharness.core.DurationFormat;
import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.StreamType;
import dev.agentharness.store.SqliteStores;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tail", sortOptions = false,
        description = {"Print a session's captured output exactly as the agent wrote it (both streams in arrival order).",
                "Reads the database directly: works while the daemon is down and from any process.",
                "With -f, follows live and exits 0 when the session ends, printing its final status on stderr."})
public final class TailCommand implements Callable<Integer> {
    private static final int DEFAULT_LINES = 10;

    private final CommandContext ctx;

    @Parameters(index = "0", paramLabel = "SESSION")
    String session;

    @Option(names = {"-n", "--lines"}, paramLabel = "N|all", converter = Converters.LineCountConverter.class,
            description = "Print the last N lines (default 10), or all output.")
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
        Instant sinceInstant = since == null ? null : parseSince(since, ctx.env().clock().instant());
        Set<StreamType> streams = stream == null ? EnumSet.allOf(StreamType.class) : EnumSet.of(stream);
        // The bytes the agent wrote, to the real stdout: escape sequences included, as a terminal
        // replay should be (docker logs does the same); --escape shows them instead.
        OutputStream raw = new BufferedOutputStream(ctx.env().stdout(), 1 << 16);
        OutputStream out = escape ? new EscapingStream(raw) : raw;
        try (SqliteStores stores = ctx.openStores()) {
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
            Session ended = new OutputFollower(stores.outputs(), stores.sessions()).follow(s.id(), cursor, streams, ChunkSink.to(out));
            out.flush();
            ctx.env().err().println("harness: " + EndMessage.of(ended));
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
