package dev.agentharness.cli.tail;

import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.store.OutputStore;
import dev.agentharness.core.store.SessionStore;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Several sessions' output at once, each line prefixed with its session's label, as {@code pm2
 * logs} shows its processes ({@code api    | line}). Output is cut into lines per session and
 * stream, so that two agents writing at the same time never mix within a line; a line still open
 * when its session ends is closed with a newline.
 *
 * <p>A session that its policy restarts is followed into its restart. With {@code all}, sessions
 * that start meanwhile are picked up too, and the follow lasts until interrupted; otherwise it ends
 * when every followed session (and its restarts) has ended.
 */
public final class PrefixedFollower {
    private static final Duration POLL = Duration.ofMillis(20);
    private static final long STATUS_CHECK_NANOS = Duration.ofMillis(200).toNanos();
    private static final int BATCH = 256;

    private final OutputStore outputs;
    private final SessionStore sessions;
    private final Writer out;
    private final PrintStream err;
    private final Set<StreamType> streams;
    private final Map<String, Followed> followed = new LinkedHashMap<>();
    private final Set<String> seen = new HashSet<>();
    private int width;

    private final class Followed {
        final Session session;
        final Map<StreamType, StringBuilder> open = new LinkedHashMap<>();
        long cursor;
        Session endedAs;
        long waitingSince;

        Followed(Session session, long cursor) {
            this.session = session;
            this.cursor = cursor;
        }

        String prefix() {
            return String.format("%-" + width + "s | ", session.label());
        }
    }

    public PrefixedFollower(OutputStore outputs, SessionStore sessions, Set<StreamType> streams, Writer out, PrintStream err) {
        this.outputs = outputs;
        this.sessions = sessions;
        this.streams = streams;
        this.out = out;
        this.err = err;
    }

    /** Prints the last {@code lines} lines of {@code s} (0: none, -1: all), prefixed, and follows it from there. */
    public void add(Session s, int lines) throws IOException {
        if (!seen.add(s.id())) {
            return;
        }
        width = Math.max(width, s.label().length());
        Followed f = new Followed(s, 0);
        if (lines != 0) {
            StringWriter history = new StringWriter();
            f.cursor = lines < 0 ? outputs.writeFull(s.id(), streams, history) : outputs.writeLastLines(s.id(), lines, streams, history);
            emit(f, StreamType.STDOUT, history.toString());
            flushOpen(f);
        } else {
            f.cursor = outputs.size(s.id()).lastSeq();
        }
        out.flush();
        followed.put(s.id(), f);
    }

    /**
     * Follows until every session has ended (or, with {@code newSessions}, until interrupted),
     * asking {@code newSessions} for sessions to add on each status check. Reads as soon as the
     * daemon on {@code socket} pushes a commit or a change (and on the status-check timer); without a
     * daemon there, or once it goes away, every 20 ms.
     */
    public void follow(Optional<Function<Set<String>, List<Session>>> newSessions, BooleanSupplier daemonAlive, Path socket)
            throws IOException, InterruptedException {
        try (PushWakeups wakeups = PushWakeups.connect(socket)) {
            followWaking(newSessions, daemonAlive, wakeups);
        }
    }

    private void followWaking(Optional<Function<Set<String>, List<Session>>> newSessions, BooleanSupplier daemonAlive,
                              PushWakeups wakeups) throws IOException, InterruptedException {
        long lastCheck = 0;
        while (!followed.isEmpty() || newSessions.isPresent()) {
            boolean any = false;
            for (Followed f : List.copyOf(followed.values())) {
                List<OutputChunk> chunks = outputs.after(f.session.id(), f.cursor, BATCH);
                for (OutputChunk c : chunks) {
                    if (streams.contains(c.stream())) {
                        emit(f, c.stream(), c.text());
                    }
                    f.cursor = c.seq();
                }
                any |= !chunks.isEmpty();
            }
            out.flush();
            long now = System.nanoTime();
            if (now - lastCheck >= STATUS_CHECK_NANOS) {
                lastCheck = now;
                checkEnds(now, daemonAlive);
                if (newSessions.isPresent()) {
                    for (Session s : newSessions.get().apply(seen)) {
                        add(s, -1); // started since: all of it
                    }
                }
            }
            if (wakeups.live()) {
                // Woken by the next commit or change; the timer keeps the status checks going.
                wakeups.await(any ? 0 : Duration.ofNanos(STATUS_CHECK_NANOS).toMillis());
            } else if (!any) {
                Thread.sleep(POLL.toMillis());
            }
        }
    }

    private void checkEnds(long now, BooleanSupplier daemonAlive) throws IOException {
        for (Followed f : List.copyOf(followed.values())) {
            if (f.endedAs == null) {
                Optional<Session> current = sessions.get(f.session.id());
                if (current.isEmpty() || !current.get().status().isTerminal()) {
                    continue;
                }
                Session ended = current.get();
                if (f.cursor < ended.outputChunks()) {
                    continue; // its last chunks are still to be read
                }
                flushOpen(f);
                f.endedAs = ended;
                f.waitingSince = now;
                err.println("harness: " + endLine(ended) + (RestartChain.willRestart(ended) ? "; " + RestartChain.announcement(ended) : ""));
            }
            if (!RestartChain.willRestart(f.endedAs)) {
                followed.remove(f.session.id());
                continue;
            }
            Optional<Session> next = sessions.getRestartOf(f.endedAs.id());
            if (next.isPresent()) {
                followed.remove(f.session.id());
                add(next.get(), -1);
            } else if (now - f.waitingSince > RestartChain.SUCCESSOR_TIMEOUT.toNanos() || !daemonAlive.getAsBoolean()) {
                followed.remove(f.session.id());
            }
        }
    }

    private static String endLine(Session s) {
        StringBuilder b = new StringBuilder("session ").append(s.label()).append(' ').append(s.status().wireName());
        if (s.exitCode() != null) {
            b.append(" (exit ").append(s.exitCode()).append(')');
        }
        return b.toString();
    }

    /** Writes every complete line of {@code text} with the prefix; keeps the rest for later. */
    private void emit(Followed f, StreamType stream, String text) throws IOException {
        StringBuilder open = f.open.computeIfAbsent(stream, k -> new StringBuilder());
        int start = 0;
        for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
            out.write(f.prefix());
            out.write(open.toString());
            out.write(text, start, nl + 1 - start);
            open.setLength(0);
            start = nl + 1;
        }
        open.append(text, start, text.length());
    }

    private void flushOpen(Followed f) throws IOException {
        for (StringBuilder open : f.open.values()) {
            if (open.length() > 0) {
                out.write(f.prefix());
                out.write(open.toString());
                out.write('\n');
                open.setLength(0);
            }
        }
    }

    /** For the caller's end-of-follow: sessions still followed. */
    public List<String> followedIds() {
        return new ArrayList<>(followed.keySet());
    }
}
