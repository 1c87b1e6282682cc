package dev.agentharness.agents;

import dev.agentharness.core.AgentParseCursor;
import dev.agentharness.core.AgentParseTask;
import dev.agentharness.core.AgentUsage;
import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.store.EventStore;
import dev.agentharness.core.store.OutputStore;
import dev.agentharness.core.store.SessionStore;
import dev.agentharness.core.store.Transactor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what agents printed from the {@link OutputStore}, after it was committed, and turns their
 * structured output into agent facts ({@code SessionStore.updateAgent}) and events. It never sees
 * the capture path: whoever writes output (the daemon's pump today, a per-session keeper
 * tomorrow), the stored bytes stay exactly as written and parsing happens later, on this class's
 * own thread, so a slow or failing parse can never hold an agent back or lose a byte.
 *
 * <p>Each pass asks the store for sessions with a profile whose output is not parsed to its end,
 * and reads their new stdout chunks by seq. Lines may be split across chunks: the partial line is
 * kept in memory, and the persisted cursor points at where it starts, so that after a daemon
 * restart the next follower re-reads it from there. Facts, events and cursor are written in one
 * transaction, so a line is counted exactly once whatever crashes when. A line that is not the
 * agent's JSON (malformed, truncated, longer than {@value #MAX_LINE_CHARS} chars) is skipped and
 * counted. When a session has ended and everything it printed is parsed (a last line without a
 * newline included), it is marked done and never read again.
 */
public final class AgentOutputFollower implements AgentParsing, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentOutputFollower.class);

    /** Longer lines are skipped; what the harness needs (init, usage, tool calls, result) is far shorter. */
    public static final int MAX_LINE_CHARS = 1 << 20;
    /** Chunks read per query: up to 2 MiB of output at 64 KiB a chunk. */
    static final int PAGE = 32;
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(200);

    private final SessionStore sessions;
    private final OutputStore outputs;
    private final EventStore events;
    private final Transactor tx;
    private final AgentProfiles profiles;
    private final PriceTable prices;
    private final Map<String, Follow> follows = new HashMap<>();
    private final Map<String, List<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();
    private ScheduledExecutorService thread;

    public AgentOutputFollower(SessionStore sessions, OutputStore outputs, EventStore events, Transactor tx,
                               AgentProfiles profiles, PriceTable prices) {
        this.sessions = sessions;
        this.outputs = outputs;
        this.events = events;
        this.tx = tx;
        this.profiles = profiles;
        this.prices = prices;
    }

    /** Starts passes on a thread of its own, every {@code interval}. */
    public synchronized void start(Duration interval) {
        if (thread != null) {
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "harness-agent-parser");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::passQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the thread after one last pass, so that what was committed before is parsed. */
    @Override
    public void close() {
        ScheduledExecutorService t;
        synchronized (this) {
            t = thread;
            thread = null;
        }
        if (t == null) {
            return;
        }
        t.shutdown();
        try {
            if (t.awaitTermination(5, TimeUnit.SECONDS)) {
                passQuietly();
            } else {
                t.shutdownNow();
            }
        } catch (InterruptedException e) {
            t.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public CompletableFuture<Void> settled(String sessionId) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiting.computeIfAbsent(sessionId, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(f);
        // Already done (or never to be parsed)? Then no pass would complete it.
        Session s = sessions.get(sessionId).orElse(null);
        boolean done = s == null || s.agent().agent() == null
                || sessions.agentParseCursor(sessionId).map(AgentParseCursor::done).orElse(true);
        if (done) {
            complete(sessionId);
        }
        return f;
    }

    private void passQuietly() {
        try {
            pass();
        } catch (RuntimeException e) {
            LOG.warn("agent output pass failed (will retry): {}", e.getMessage());
        }
    }

    /** One pass over every session with output left to parse. Synchronized: close() runs the last one. */
    synchronized void pass() {
        Set<String> pending = new HashSet<>();
        for (AgentParseTask task : sessions.agentParseBacklog()) {
            pending.add(task.session().id());
            try {
                follow(task);
            } catch (RuntimeException e) {
                // Start over from what was committed: the partial line and the parser's memory went
                // further than the cursor that was written.
                follows.remove(task.session().id());
                LOG.warn("session {}: cannot parse its agent output yet: {}", task.session().label(), e.getMessage());
            }
        }
        follows.keySet().retainAll(pending); // purged or done elsewhere
    }

    private void follow(AgentParseTask task) {
        Session s = task.session();
        Follow f = follows.get(s.id());
        if (f == null) {
            AgentOutputParser parser = profiles.byName(s.agent().agent())
                    .flatMap(p -> p.parser(s.command(), prices)).orElse(null);
            f = new Follow(parser, task.cursor(), s.agent());
            follows.put(s.id(), f);
        }
        if (f.parser == null) {
            finish(s.id(), f, f.cursor, true); // nothing this agent prints means anything to the harness
            return;
        }
        boolean ended = s.status().isTerminal();
        if (f.scannedSeq >= s.outputChunks() && !ended) {
            return;
        }
        ParseState state = new ParseState(f.usage);
        AgentParseCursor cursor = f.cursor;
        while (f.scannedSeq < s.outputChunks()) {
            List<OutputChunk> page = outputs.after(s.id(), f.scannedSeq, PAGE);
            if (page.isEmpty()) {
                break;
            }
            for (OutputChunk c : page) {
                cursor = read(f, c, state, cursor);
                f.scannedSeq = c.seq();
            }
        }
        boolean done = false;
        if (ended && f.scannedSeq >= s.outputChunks()) {
            // The last line may lack its newline; nothing more will come, so it is a line.
            if (f.line.length() > 0 || f.overflow) {
                cursor = line(f, state, cursor, cursor.seq(), cursor.offset());
            }
            done = true;
        }
        if (!cursor.equals(f.cursor) || done || !state.events().isEmpty() || !state.usage().equals(f.usage)) {
            finish(s.id(), f, cursor, done, state);
        }
    }

    /** Feeds one chunk: complete lines are parsed, the rest waits in {@code f.line}. */
    private AgentParseCursor read(Follow f, OutputChunk c, ParseState state, AgentParseCursor cursor) {
        if (c.stream() != StreamType.STDOUT) {
            return cursor;
        }
        String text = c.text();
        int from = c.seq() == f.cursor.seq() && f.fresh ? Math.min(f.cursor.offset(), text.length()) : 0;
        f.fresh = false;
        while (from < text.length()) {
            int nl = text.indexOf('\n', from);
            if (nl < 0) {
                append(f, text, from, text.length());
                break;
            }
            append(f, text, from, nl);
            cursor = line(f, state, cursor, c.seq(), nl + 1);
            from = nl + 1;
        }
        return cursor;
    }

    private static void append(Follow f, String text, int from, int to) {
        if (f.overflow) {
            return;
        }
        if (f.line.length() + (to - from) > MAX_LINE_CHARS) {
            f.overflow = true;
            f.line.setLength(0);
            f.line.trimToSize();
            return;
        }
        f.line.append(text, from, to);
    }

    /** Parses the line in {@code f.line}, which ends at {@code offset} of chunk {@code seq}. */
    private static AgentParseCursor line(Follow f, ParseState state, AgentParseCursor cursor, long seq, int offset) {
        long skipped = cursor.skipped();
        if (f.overflow) {
            skipped++;
        } else {
            try {
                f.parser.parse(f.line.toString(), state);
            } catch (MalformedLineException e) {
                skipped++;
            }
        }
        f.line.setLength(0);
        if (f.line.capacity() > 64 * 1024) {
            f.line.trimToSize();
        }
        f.overflow = false;
        return new AgentParseCursor(seq, offset, skipped, false);
    }

    private void finish(String id, Follow f, AgentParseCursor cursor, boolean done) {
        finish(id, f, cursor, done, new ParseState(f.usage));
    }

    private void finish(String id, Follow f, AgentParseCursor cursor, boolean done, ParseState state) {
        AgentParseCursor written = new AgentParseCursor(cursor.seq(), cursor.offset(), cursor.skipped(), done);
        List<ParseState.Event> newEvents = state.events();
        AgentUsage usage = state.usage();
        tx.inTransaction(() -> {
            sessions.updateAgent(id, usage, written);
            for (ParseState.Event e : newEvents) {
                events.append(id, e.type(), e.data());
            }
        });
        f.cursor = written;
        f.usage = usage;
        if (done) {
            follows.remove(id);
            complete(id);
        }
    }

    private void complete(String sessionId) {
        List<CompletableFuture<Void>> fs = waiting.remove(sessionId);
        if (fs != null) {
            fs.forEach(x -> x.complete(null));
        }
    }

    /** One session being followed: its parser (with whatever state it keeps) and the partial line. */
    private static final class Follow {
        final AgentOutputParser parser;
        AgentParseCursor cursor;
        AgentUsage usage;
        /** The highest seq read. */
        long scannedSeq;
        /** Nothing read yet: the first chunk starts at the cursor's offset. */
        boolean fresh = true;
        final StringBuilder line = new StringBuilder();
        boolean overflow;

        Follow(AgentOutputParser parser, AgentParseCursor cursor, AgentUsage usage) {
            this.parser = parser;
            this.cursor = Objects.requireNonNull(cursor);
            this.usage = usage;
            this.scannedSeq = cursor.seq() - 1;
        }
    }
}
