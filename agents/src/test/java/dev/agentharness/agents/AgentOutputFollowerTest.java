package dev.agentharness.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.AgentParseCursor;
import dev.agentharness.core.EventType;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionEvent;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.UlidGenerator;
import dev.agentharness.store.SqliteStores;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The follower against a real SQLite store: chunks as a pump would commit them, parsed later. */
class AgentOutputFollowerTest {
    private static final List<String> CLAUDE = List.of("claude", "-p", "hi", "--output-format", "stream-json", "--verbose");

    @TempDir
    Path dir;
    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private SqliteStores stores;

    @BeforeEach
    void open() {
        stores = SqliteStores.open(dir.resolve("harness.db"), clock, new UlidGenerator(clock), 3);
    }

    @AfterEach
    void close() {
        stores.close();
    }

    private AgentOutputFollower follower() {
        return new AgentOutputFollower(stores.sessions(), stores.outputs(), stores.events(), stores.transactor(),
                new AgentProfiles(), PriceTable.defaultPrices());
    }

    private Session claude() {
        Session s = stores.sessions().claimSlot(SessionSpec.builder(CLAUDE, "/w").agent("claude").build());
        return stores.sessions().update(s.id(), x -> x.toBuilder().status(SessionStatus.RUNNING).startedAt(clock.instant()).build());
    }

    private void out(Session s, String text) {
        stores.outputs().append(s.id(), StreamType.STDOUT, clock.instant(), text);
    }

    private void end(Session s) {
        stores.sessions().update(s.id(), x -> x.toBuilder().status(SessionStatus.FAILED).exitCode(1).build());
    }

    private Session reload(Session s) {
        return stores.sessions().get(s.id()).orElseThrow();
    }

    private List<EventType> agentEvents(Session s) {
        return stores.events().list(s.id()).stream().map(SessionEvent::type)
                .filter(t -> t == EventType.AGENT_SESSION || t == EventType.TOOL_CALL || t == EventType.TURN_RESULT).toList();
    }

    @Test
    void linesSplitAcrossChunksAndInterleavedStderrAreParsedOnceTheyAreWhole() {
        Session s = claude();
        String all = Fixtures.text("claude-offline.stream.jsonl");
        // Cut the output into pieces that split every line, with stderr between them.
        for (int i = 0; i < all.length(); i += 97) {
            out(s, all.substring(i, Math.min(all.length(), i + 97)));
            stores.outputs().append(s.id(), StreamType.STDERR, clock.instant(), "warning: {not json}\n");
        }
        AgentOutputFollower f = follower();
        f.pass();
        Session mid = reload(s);
        assertEquals("dfc318f7-2caa-4832-abea-950849eab6d1", mid.agent().agentSessionId());
        assertEquals(0.0, mid.agent().costUsd());
        assertEquals("error", mid.agent().resultStatus());
        assertFalse(stores.sessions().agentParseCursor(s.id()).orElseThrow().done()); // still running
        assertEquals(0, stores.sessions().agentParseCursor(s.id()).orElseThrow().skipped()); // stderr is never parsed
        end(s);
        f.pass();
        assertTrue(stores.sessions().agentParseCursor(s.id()).orElseThrow().done());
        assertEquals(List.of(EventType.AGENT_SESSION, EventType.TURN_RESULT), agentEvents(s));
        assertTrue(stores.sessions().agentParseBacklog().isEmpty());
    }

    @Test
    void aNewFollowerResumesAtTheStoredCursorAndCountsNothingTwice() {
        Session s = claude();
        List<String> lines = Fixtures.lines("claude-tools.stream.jsonl");
        out(s, lines.get(0) + "\n" + lines.get(1) + "\n" + lines.get(2).substring(0, 50)); // a line cut in half
        AgentOutputFollower first = follower();
        first.pass();
        AgentParseCursor cursor = stores.sessions().agentParseCursor(s.id()).orElseThrow();
        assertEquals(1, cursor.seq()); // the cut line starts in chunk 1...
        assertEquals(lines.get(0).length() + lines.get(1).length() + 2, cursor.offset()); // ...after two lines
        assertEquals(42, reload(s).agent().outputTokens() + 12); // msg_01A counted: 30 output tokens
        // The daemon restarts: a new follower, with no memory, picks up the rest.
        out(s, lines.get(2).substring(50) + "\n");
        for (String line : lines.subList(3, lines.size())) {
            out(s, line + "\n");
        }
        end(s);
        AgentOutputFollower second = follower();
        second.pass();
        Session done = reload(s);
        assertEquals(135, done.agent().outputTokens());
        assertEquals(0.029295, done.agent().costUsd(), 1e-12);
        assertEquals(2, done.agent().toolCalls());
        List<EventType> events = agentEvents(s);
        assertEquals(List.of(EventType.AGENT_SESSION, EventType.TOOL_CALL, EventType.TOOL_CALL, EventType.TURN_RESULT), events);
        assertTrue(stores.sessions().agentParseCursor(s.id()).orElseThrow().done());
    }

    @Test
    void malformedAndTruncatedLinesAreSkippedAndCountedAndALastLineWithoutNewlineIsParsed() {
        Session s = claude();
        List<String> lines = Fixtures.lines("claude-offline.stream.jsonl");
        out(s, "Error: unexpected banner\n");
        out(s, lines.get(0).substring(0, 120) + "\n"); // truncated
        out(s, lines.get(0) + "\n");
        out(s, "\n");
        out(s, lines.get(2)); // the result, without its newline
        AgentOutputFollower f = follower();
        f.pass();
        assertNull(reload(s).agent().resultStatus()); // the last line may still grow
        end(s);
        f.pass();
        Session done = reload(s);
        assertEquals("error", done.agent().resultStatus());
        assertEquals(2, stores.sessions().agentParseCursor(s.id()).orElseThrow().skipped());
        assertEquals(1, done.agent().turns());
        // The stored bytes are exactly as written.
        assertEquals(5, done.outputChunks());
        assertEquals("Error: unexpected banner\n", stores.outputs().after(s.id(), 0, 1).get(0).text());
    }

    @Test
    void aLineLongerThanTheLimitIsSkippedWithoutHoldingItAll() {
        Session s = claude();
        String big = "{\"type\":\"user\",\"x\":\"" + "y".repeat(60_000);
        for (int i = 0; i < AgentOutputFollower.MAX_LINE_CHARS / 60_000 + 2; i++) {
            out(s, i == 0 ? big : "y".repeat(60_000));
        }
        out(s, "\"}\n" + Fixtures.lines("claude-offline.stream.jsonl").get(0) + "\n");
        end(s);
        follower().pass();
        assertEquals(1, stores.sessions().agentParseCursor(s.id()).orElseThrow().skipped());
        assertEquals("dfc318f7-2caa-4832-abea-950849eab6d1", reload(s).agent().agentSessionId());
    }

    @Test
    void sessionsWithoutStructuredOutputAreDoneAtOnceAndSettledCompletes() throws Exception {
        Session plain = stores.sessions().claimSlot(SessionSpec.builder(List.of("sh", "-c", "echo hi"), "/w").agent("generic").build());
        AgentOutputFollower f = follower();
        CompletableFuture<Void> settled = f.settled(plain.id());
        assertFalse(settled.isDone());
        f.pass();
        assertTrue(settled.isDone());
        assertTrue(stores.sessions().agentParseCursor(plain.id()).orElseThrow().done());
        // Already done: settled at once.
        assertTrue(f.settled(plain.id()).isDone());
    }
}
