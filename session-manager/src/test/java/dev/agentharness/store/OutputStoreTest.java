package dev.agentharness.store;

import static dev.agentharness.core.StreamType.STDERR;
import static dev.agentharness.core.StreamType.STDOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.OutputSize;
import dev.agentharness.core.PendingChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.error.NoSuchSessionException;
import dev.agentharness.core.store.OutputStore;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputStoreTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(TestStores.T0);
    private SqliteStores stores;
    private OutputStore outputs;
    private Session a;
    private Session b;

    @BeforeEach
    void open() {
        stores = TestStores.open(dir, clock);
        outputs = stores.outputs();
        a = TestStores.claimAs(stores, TestStores.spec(), SessionStatus.RUNNING, clock);
        b = TestStores.claimAs(stores, TestStores.spec(), SessionStatus.RUNNING, clock);
    }

    @AfterEach
    void close() {
        stores.close();
    }

    private PendingChunk chunk(Session s, StreamType stream, String text) {
        return new PendingChunk(s.id(), stream, clock.instant(), text);
    }

    private static String full(OutputStore outputs, String id, Set<StreamType> streams) throws Exception {
        StringWriter w = new StringWriter();
        outputs.writeFull(id, streams, w);
        return w.toString();
    }

    @Test
    void appendNumbersEachSessionsChunksFromOne() {
        Instant at = Instant.parse("2025-01-01T00:00:01.987654Z");
        OutputChunk first = outputs.append(a.id(), STDOUT, at, "one");
        assertEquals(new OutputChunk(a.id(), 1, STDOUT, Instant.parse("2025-01-01T00:00:01.987Z"), "one"), first);
        assertEquals(2, outputs.append(a.id(), STDERR, at, "two").seq());
        assertEquals(1, outputs.append(b.id(), STDOUT, at, "uno").seq());
    }

    @Test
    void appendBatchNumbersEachSessionGapFreeInListOrderAcrossBatches() {
        outputs.append(a.id(), STDOUT, clock.instant(), "a1");
        outputs.appendBatch(List.of(chunk(a, STDOUT, "a2"), chunk(b, STDOUT, "b1"), chunk(a, STDERR, "a3"),
                chunk(b, STDERR, "b2"), chunk(a, STDOUT, "a4")));
        outputs.appendBatch(List.of(chunk(b, STDOUT, "b3"), chunk(a, STDOUT, "a5")));
        assertEquals(List.of("a1", "a2", "a3", "a4", "a5"), texts(outputs.after(a.id(), 0, 100)));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), outputs.after(a.id(), 0, 100).stream().map(OutputChunk::seq).toList());
        assertEquals(List.of(1L, 2L, 3L), outputs.after(b.id(), 0, 100).stream().map(OutputChunk::seq).toList());
        assertEquals(List.of("b1", "b2", "b3"), texts(outputs.after(b.id(), 0, 100)));
    }

    @Test
    void appendBatchAdvancesTheSessionsCountersAndLastActivity() {
        Instant t1 = TestStores.T0.plusSeconds(10);
        Instant t2 = TestStores.T0.plusSeconds(20);
        outputs.appendBatch(List.of(new PendingChunk(a.id(), STDOUT, t2, "é"), new PendingChunk(a.id(), STDOUT, t1, "😀"),
                new PendingChunk(b.id(), STDERR, t1, "x")));
        Session after = stores.sessions().get(a.id()).orElseThrow();
        assertEquals(2, after.outputChunks());
        assertEquals(2 + 4, after.outputBytes());
        assertEquals(t2, after.lastActivityAt(), "the latest chunk, not the last in the list");
        assertEquals(new OutputSize(6, 2, 2), outputs.size(a.id()));
        assertEquals(new OutputSize(1, 1, 1), outputs.size(b.id()));
        outputs.appendBatch(List.of(new PendingChunk(a.id(), STDOUT, t1, "older")));
        assertEquals(t2, stores.sessions().get(a.id()).orElseThrow().lastActivityAt(), "never moves backwards");
    }

    @Test
    void storesTextExactlyIncludingNulEmojiReplacementCharAndEmptyChunks() throws Exception {
        List<String> texts = List.of("\u0000", "a\u0000b", "😀 4-byte", "\uFFFD", "日本語", "\r\n", "", "tab\there", "\u001b[31mred\u001b[0m",
                "𝄞 music", "ends with newline\n", "\u0085\u2028\u2029");
        List<PendingChunk> chunks = new ArrayList<>();
        StringBuilder expected = new StringBuilder();
        long expectedBytes = 0;
        for (String t : texts) {
            chunks.add(chunk(a, STDOUT, t));
            expected.append(t);
            expectedBytes += t.getBytes(StandardCharsets.UTF_8).length;
        }
        outputs.appendBatch(chunks);
        assertEquals(texts, texts(outputs.after(a.id(), 0, 100)));
        assertEquals(expected.toString(), full(outputs, a.id(), null));
        assertEquals(expectedBytes, outputs.size(a.id()).bytes());
        assertEquals(List.of(String.valueOf(expectedBytes)),
                stores.database().queryColumn("SELECT SUM(length(CAST(data AS BLOB))) FROM session_outputs"),
                "the bytes column is the UTF-8 length SQLite sees");
        assertEquals(List.of("text"), stores.database().queryColumn("SELECT DISTINCT typeof(data) FROM session_outputs"),
                "bound as bytes, stored as TEXT: SQL functions and older readers see text");
        assertEquals(List.of(String.valueOf(expectedBytes)),
                stores.database().queryColumn("SELECT SUM(bytes) FROM session_outputs"));
    }

    @Test
    void writeFullJoinsChunksWithoutSeparatorsAndFiltersStreams() throws Exception {
        outputs.appendBatch(List.of(chunk(a, STDOUT, "out1 "), chunk(a, STDERR, "err1\n"), chunk(a, STDOUT, "out2"),
                chunk(a, STDOUT, "\n"), chunk(a, STDERR, "err2"), chunk(b, STDOUT, "other session")));
        assertEquals("out1 err1\nout2\nerr2", full(outputs, a.id(), null));
        assertEquals("out1 err1\nout2\nerr2", full(outputs, a.id(), Set.of(STDOUT, STDERR)));
        assertEquals("out1 out2\n", full(outputs, a.id(), Set.of(STDOUT)));
        assertEquals("err1\nerr2", full(outputs, a.id(), Set.of(STDERR)));
    }

    @Test
    void writeFullReturnsTheHighestSeqWritten() throws Exception {
        assertEquals(0, outputs.writeFull(a.id(), null, new StringWriter()));
        outputs.appendBatch(List.of(chunk(a, STDOUT, "1"), chunk(a, STDERR, "2"), chunk(a, STDOUT, "3"), chunk(a, STDERR, "4")));
        assertEquals(4, outputs.writeFull(a.id(), null, new StringWriter()));
        assertEquals(3, outputs.writeFull(a.id(), Set.of(STDOUT), new StringWriter()));
        assertEquals(0, outputs.writeFull("01JUNKNOWN", null, new StringWriter()));
    }

    @Test
    void writeFullStreamsManyPages() throws Exception {
        StringBuilder expected = new StringBuilder();
        List<PendingChunk> chunks = new ArrayList<>();
        for (int i = 0; i < 3 * dev.agentharness.store.internal.SqliteOutputStore.PAGE_ROWS + 7; i++) {
            String t = i + (i % 3 == 0 ? "\n" : ",");
            chunks.add(chunk(a, i % 5 == 0 ? STDERR : STDOUT, t));
            expected.append(t);
        }
        outputs.appendBatch(chunks);
        assertEquals(expected.toString(), full(outputs, a.id(), null));
    }

    @Test
    void getBySessionIsNewestFirstAndGetBySessionSinceOldestFirst() {
        outputs.append(a.id(), STDOUT, clock.instant(), "t0");
        clock.advance(Duration.ofSeconds(1));
        Instant t1 = clock.instant();
        outputs.append(a.id(), STDOUT, clock.instant(), "t1");
        clock.advance(Duration.ofSeconds(1));
        outputs.append(a.id(), STDERR, clock.instant(), "t2");
        assertEquals(List.of("t2", "t1"), texts(outputs.getBySession(a.id(), 2)));
        assertEquals(List.of("t2", "t1", "t0"), texts(outputs.getBySession(a.id(), 0)));
        assertEquals(List.of("t1", "t2"), texts(outputs.getBySessionSince(a.id(), t1)));
        assertEquals(List.of(), texts(outputs.getBySessionSince(a.id(), clock.instant().plusMillis(1))));
    }

    @Test
    void afterReadsFromACursor() {
        for (int i = 1; i <= 10; i++) {
            outputs.append(a.id(), STDOUT, clock.instant(), "c" + i);
        }
        assertEquals(List.of("c4", "c5", "c6"), texts(outputs.after(a.id(), 3, 3)));
        assertEquals(List.of("c10"), texts(outputs.after(a.id(), 9, 100)));
        assertEquals(List.of(), outputs.after(a.id(), 10, 100));
        assertEquals(List.of(), outputs.after(a.id(), 0, 0));
    }

    @Test
    void deleteBySessionDeletesOnlyThatSessionsOutputAndResetsItsCounters() {
        outputs.appendBatch(List.of(chunk(a, STDOUT, "x"), chunk(a, STDOUT, "y"), chunk(b, STDOUT, "z")));
        assertEquals(2, outputs.deleteBySession(a.id()));
        assertEquals(OutputSize.EMPTY, outputs.size(a.id()));
        assertEquals(List.of(), outputs.after(a.id(), 0, 10));
        assertEquals(1, outputs.size(b.id()).chunks());
        assertEquals(1, outputs.append(a.id(), STDOUT, clock.instant(), "again").seq());
        assertEquals(0, outputs.deleteBySession("01JUNKNOWN"));
    }

    @Test
    void sizeOfAnUnknownSessionIsEmpty() {
        assertEquals(OutputSize.EMPTY, outputs.size("01JUNKNOWN"));
    }

    @Test
    void appendToAnUnknownSessionFailsButABatchKeepsOtherSessionsOutput() {
        assertThrows(NoSuchSessionException.class, () -> outputs.append("01JUNKNOWN", STDOUT, clock.instant(), "x"));
        outputs.appendBatch(List.of(chunk(a, STDOUT, "kept"), new PendingChunk("01JUNKNOWN", STDOUT, clock.instant(), "dropped"),
                chunk(a, STDOUT, " too")));
        assertEquals(List.of("kept", " too"), texts(outputs.after(a.id(), 0, 10)));
        assertEquals(List.of("0"), stores.database().queryColumn("SELECT COUNT(*) FROM session_outputs WHERE session_id = '01JUNKNOWN'"));
    }

    @Test
    void anEmptyBatchDoesNothing() {
        outputs.appendBatch(List.of());
        assertEquals(OutputSize.EMPTY.chunks(), outputs.size(a.id()).chunks());
    }

    static List<String> texts(List<OutputChunk> chunks) {
        return chunks.stream().map(OutputChunk::text).toList();
    }

    /**
     * Issue 16, item 5: 53 MB of random bytes were stored as 96 MB, invalid UTF-8 replaced with
     * U+FFFD. Now every chunk is stored exactly: as TEXT when it is UTF-8, as a BLOB when it is not.
     */
    @Test
    void randomBytesAreStoredExactly() throws Exception {
        java.util.SplittableRandom random = new java.util.SplittableRandom(16);
        java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();
        java.util.List<PendingChunk> chunks = new java.util.ArrayList<>();
        for (int i = 0; i < 64; i++) {
            byte[] data = new byte[1 + random.nextInt(8192)];
            if (i % 2 == 0) {
                random.nextBytes(data);
            } else {
                java.util.Arrays.fill(data, (byte) 'a');
            }
            written.writeBytes(data);
            chunks.add(new PendingChunk(a.id(), StreamType.STDOUT, clock.instant(), data));
        }
        outputs.appendBatch(chunks);
        java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
        outputs.writeFull(a.id(), null, read);
        org.junit.jupiter.api.Assertions.assertArrayEquals(written.toByteArray(), read.toByteArray());
        assertEquals(written.size(), outputs.size(a.id()).bytes());
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + stores.file());
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT typeof(data), COUNT(*), SUM(length(CAST(data AS BLOB)) = bytes)"
                     + " FROM session_outputs WHERE session_id = '" + a.id() + "' GROUP BY 1 ORDER BY 1")) {
            assertTrue(rs.next());
            assertEquals("blob", rs.getString(1));
            assertEquals(32, rs.getInt(2));
            assertEquals(32, rs.getInt(3), "each BLOB's length is its byte count");
            assertTrue(rs.next());
            assertEquals("text", rs.getString(1));
            assertEquals(32, rs.getInt(2));
        }
        // Text views decode leniently, and the last line is found by its bytes.
        assertTrue(outputs.lastLines(a.id(), 1, null).endsWith("a"));
    }
}
