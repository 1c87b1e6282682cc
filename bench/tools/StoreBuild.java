import dev.agentharness.core.PendingChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.store.SqliteStores;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a big harness database quickly through the store API the daemon uses
 * ({@code SessionStore.claimSlot}/{@code update}, {@code OutputStore.appendBatch}): one session
 * "big" of BIG_ROWS chunks and one session "small" of BIG_ROWS/10 chunks, every chunk one 100-byte
 * line in Gen's format (so a session's output is exactly {@code Gen ROWS*100}), plus EXTRA finished
 * sessions of 10 chunks each so that {@code ps --all} has a page to show. "big" ended two days ago
 * (so {@code purge --older-than 1d} selects it alone); the others ended now. Prints the ids as
 * {@code big ID}, {@code small ID} lines, and the build rate on stderr.
 *
 * <p>Usage: {@code java -cp harness.jar:. StoreBuild HOME BIG_ROWS EXTRA}
 */
public final class StoreBuild {
    private static final int BATCH = 20_000;
    private static final int LINE = 100;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long bigRows = Long.parseLong(args[1]);
        int extra = Integer.parseInt(args[2]);
        Instant now = Instant.now();
        long t0 = System.nanoTime();
        try (SqliteStores stores = SqliteStores.open(HarnessHome.at(dir), Clock.systemUTC())) {
            Instant bigEnd = now.minus(Duration.ofDays(2));
            String big = session(stores, "big", bigRows, bigEnd.minusMillis(bigRows + 1000), bigEnd);
            String small = session(stores, "small", bigRows / 10, now.minusMillis(bigRows / 10 + 1000), now);
            for (int i = 0; i < extra; i++) {
                session(stores, null, 10, now.minusSeconds(60), now);
            }
            System.out.println("big " + big);
            System.out.println("small " + small);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        long rows = bigRows + bigRows / 10 + 10L * extra;
        System.err.printf("StoreBuild: %d rows in %.1f s (%.0f rows/s, %.1f MB/s)%n", rows, s, rows / s, rows * LINE / 1e6 / s);
    }

    /** A session that ran from {@code start}, printed ROWS lines one millisecond apart, and completed at {@code end}. */
    private static String session(SqliteStores stores, String name, long rows, Instant start, Instant end) {
        SessionSpec spec = SessionSpec.of(List.of("java", "Gen", Long.toString(rows * LINE)), "/");
        if (name != null) {
            spec = spec.withName(name);
        }
        Session s = stores.sessions().claimSlot(spec);
        String id = s.id();
        stores.sessions().update(id, x -> x.toBuilder().status(SessionStatus.RUNNING).createdAt(start).startedAt(start).build());
        byte[] buf = new byte[LINE];
        List<PendingChunk> batch = new ArrayList<>(BATCH);
        for (long n = 0; n < rows; n++) {
            long v = n;
            for (int i = LINE - 2; i >= 0; i--) {
                buf[i] = (byte) ('0' + (v % 10));
                v /= 10;
            }
            buf[LINE - 1] = '\n';
            batch.add(new PendingChunk(id, StreamType.STDOUT, start.plusMillis(n), new String(buf, java.nio.charset.StandardCharsets.US_ASCII)));
            if (batch.size() == BATCH) {
                stores.outputs().appendBatch(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            stores.outputs().appendBatch(batch);
        }
        stores.sessions().update(id, x -> x.toBuilder().status(SessionStatus.COMPLETED).exitCode(0).endedAt(end).build());
        return id;
    }

    private StoreBuild() {
    }
}
