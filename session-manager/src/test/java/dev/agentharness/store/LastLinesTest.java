package dev.agentharness.store;

import static dev.agentharness.core.StreamType.STDERR;
import static dev.agentharness.core.StreamType.STDOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.PendingChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.store.OutputStore;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LastLinesTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(TestStores.T0);
    private SqliteStores stores;
    private OutputStore outputs;
    private Session s;

    @BeforeEach
    void open() {
        stores = TestStores.open(dir, clock);
        outputs = stores.outputs();
        s = TestStores.claimAs(stores, TestStores.spec(), SessionStatus.RUNNING, clock);
    }

    @AfterEach
    void close() {
        stores.close();
    }

    private void write(String... texts) {
        List<PendingChunk> chunks = new ArrayList<>();
        for (String t : texts) {
            chunks.add(new PendingChunk(s.id(), STDOUT, clock.instant(), t));
        }
        outputs.appendBatch(chunks);
    }

    /** What {@code tail -n} prints for {@code text}. */
    static String tail(String text, int n) {
        if (n == 0 || text.isEmpty()) {
            return "";
        }
        int count = 0;
        for (int k = (text.endsWith("\n") ? text.length() - 1 : text.length()) - 1; k >= 0; k--) {
            if (text.charAt(k) == '\n' && ++count == n) {
                return text.substring(k + 1);
            }
        }
        return text;
    }

    @Test
    void countsLinesAcrossChunkBoundaries() {
        write("a\nb", "c\nd", "\ne");
        assertEquals("e", outputs.lastLines(s.id(), 1, null));
        assertEquals("d\ne", outputs.lastLines(s.id(), 2, null));
        assertEquals("bc\nd\ne", outputs.lastLines(s.id(), 3, null));
        assertEquals("a\nbc\nd\ne", outputs.lastLines(s.id(), 4, null));
    }

    @Test
    void aTrailingNewlineEndsTheLastLineRatherThanStartingAnEmptyOne() {
        write("x\n", "y\n");
        assertEquals("y\n", outputs.lastLines(s.id(), 1, null));
        assertEquals("x\ny\n", outputs.lastLines(s.id(), 2, null));
        write("\n");
        assertEquals("\n", outputs.lastLines(s.id(), 1, null), "an empty last line is a line");
        assertEquals("y\n\n", outputs.lastLines(s.id(), 2, null));
    }

    @Test
    void moreLinesThanThereAreGivesEverythingAndZeroGivesNothing() {
        write("one\ntwo", "\nthree");
        assertEquals("one\ntwo\nthree", outputs.lastLines(s.id(), 1000, null));
        assertEquals("", outputs.lastLines(s.id(), 0, null));
        assertEquals("", outputs.lastLines("01JUNKNOWN", 10, null));
    }

    @Test
    void emptyChunksAndAChunkThatIsOnlyANewlineAreHandled() {
        write("", "a\n", "", "\n", "", "b", "");
        assertEquals("b", outputs.lastLines(s.id(), 1, null));
        assertEquals("\nb", outputs.lastLines(s.id(), 2, null));
        assertEquals("a\n\nb", outputs.lastLines(s.id(), 3, null));
    }

    @Test
    void streamFiltersCountOnlyTheChosenStream() {
        outputs.appendBatch(List.of(
                new PendingChunk(s.id(), STDOUT, clock.instant(), "out1\nout2\n"),
                new PendingChunk(s.id(), STDERR, clock.instant(), "err1\nerr2\n"),
                new PendingChunk(s.id(), STDOUT, clock.instant(), "out3\n"),
                new PendingChunk(s.id(), STDERR, clock.instant(), "err3")));
        assertEquals("out2\nout3\n", outputs.lastLines(s.id(), 2, Set.of(STDOUT)));
        assertEquals("err2\nerr3", outputs.lastLines(s.id(), 2, Set.of(STDERR)));
        assertEquals("out3\nerr3", outputs.lastLines(s.id(), 2, Set.of(STDOUT, STDERR)));
    }

    @Test
    void matchesTailOnRandomOutputOverManyPages() {
        Random random = new Random(42);
        List<PendingChunk> chunks = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        String[] tokens = {"a", "b", "\n", "\n", "x", "é", "😀"};
        for (int i = 0; i < 1500; i++) {
            StringBuilder t = new StringBuilder();
            int len = random.nextInt(6);
            for (int j = 0; j < len; j++) {
                t.append(tokens[random.nextInt(tokens.length)]);
            }
            StreamType stream = random.nextInt(3) == 0 ? STDERR : STDOUT;
            chunks.add(new PendingChunk(s.id(), stream, clock.instant(), t.toString()));
            all.append(t);
            (stream == STDOUT ? out : err).append(t);
        }
        outputs.appendBatch(chunks);
        for (int n : new int[] {0, 1, 2, 3, 10, 99, 400, 100_000}) {
            assertEquals(tail(all.toString(), n), outputs.lastLines(s.id(), n, null), "n=" + n);
            assertEquals(tail(out.toString(), n), outputs.lastLines(s.id(), n, Set.of(STDOUT)), "stdout n=" + n);
            assertEquals(tail(err.toString(), n), outputs.lastLines(s.id(), n, Set.of(STDERR)), "stderr n=" + n);
        }
    }

    @Test
    void writeLastLinesReturnsTheCursorAFollowerContinuesFromWithoutLossOrDuplication() throws Exception {
        write("1\n2\n", "3\n4", "\n5\n");
        StringWriter history = new StringWriter();
        long cursor = outputs.writeLastLines(s.id(), 2, null, history);
        assertEquals("4\n5\n", history.toString());
        assertEquals(3, cursor);
        write("6\n", "7\n");
        StringBuilder followed = new StringBuilder(history.toString());
        for (OutputChunk c : outputs.after(s.id(), cursor, 100)) {
            followed.append(c.text());
        }
        assertEquals("4\n5\n6\n7\n", followed.toString());
    }

    @Test
    void writeLastLinesWithZeroLinesReturnsTheEndSoThatFollowingStartsThere() throws Exception {
        assertEquals(0, outputs.writeLastLines(s.id(), 0, null, new StringWriter()));
        write("old\n", "older\n");
        StringWriter w = new StringWriter();
        assertEquals(2, outputs.writeLastLines(s.id(), 0, null, w));
        assertEquals("", w.toString());
    }

    @Test
    void writeLastLinesOfOneStreamReturnsTheLastSeqOfThatStream() throws Exception {
        outputs.appendBatch(List.of(new PendingChunk(s.id(), STDOUT, clock.instant(), "o\n"),
                new PendingChunk(s.id(), STDERR, clock.instant(), "e\n")));
        StringWriter w = new StringWriter();
        assertEquals(1, outputs.writeLastLines(s.id(), 5, Set.of(STDOUT), w));
        assertEquals("o\n", w.toString());
    }
}
