import dev.agentharness.core.PendingChunk;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.store.SqliteStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The ceiling of the capture path without processes, pipes or threads: how fast one thread can
 * store TOTAL bytes of Gen's output, in chunks of CHUNK bytes and transactions of BATCH bytes (the
 * daemon's defaults: 64 KiB chunks, 4 MiB batches), into a fresh database in DIR.
 *
 * <ul>
 *   <li>{@code store}: through {@code OutputStore.appendBatch}, text as the daemon passes it (a String),
 *       into a database this store creates; {@code store-existing}: the same into a database created
 *       (and closed) first, as a daemon usually finds it;
 *   <li>{@code jdbc-text}: plain sqlite-jdbc into the same kind of table, WAL and synchronous=NORMAL,
 *       32 KiB pages, text bound as a String (what the store does, minus the store);
 *   <li>{@code jdbc-blob}: the same with the bytes bound as a BLOB (no String in between);
 *   <li>{@code jdbc-schema}, {@code jdbc-schema-nofk}: plain sqlite-jdbc into the harness's own schema
 *       (made by {@code SqliteStores}, then closed), with the store's pragmas, with and without
 *       foreign keys enforced; {@code jdbc-schema-nockpt}: with foreign keys, but no automatic
 *       checkpoint (the WAL just grows), which bounds what moving checkpoints off the writer's
 *       commit could gain;
 *   <li>{@code file}: FileChannel writes of the same bytes (the disk's own limit for this data).
 * </ul>
 * Prints one line of JSON per mode.
 *
 * <p>Usage: {@code java -cp harness.jar:. StoreCeiling DIR TOTAL [CHUNK=65536] [BATCH=4194304] MODE...}
 */
public final class StoreCeiling {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long total = Long.parseLong(args[1]);
        int chunk = Integer.parseInt(args[2]);
        int batch = Integer.parseInt(args[3]);
        byte[] data = gen((int) Math.min(total, 8_000_000L)); // repeated; small enough for a small heap
        for (int i = 4; i < args.length; i++) {
            clean(dir);
            Files.createDirectories(dir);
            String mode = args[i];
            long t0 = System.nanoTime();
            long c0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            switch (mode) {
                case "store" -> store(dir, data, total, chunk, batch, false);
                case "store-existing" -> store(dir, data, total, chunk, batch, true);
                case "jdbc-text" -> jdbc(dir, data, total, chunk, batch, false);
                case "jdbc-blob" -> jdbc(dir, data, total, chunk, batch, true);
                case "file" -> file(dir, data, total, chunk);
                case "jdbc-schema" -> jdbcSchema(dir, data, total, chunk, batch, true, true);
                case "jdbc-schema-nofk" -> jdbcSchema(dir, data, total, chunk, batch, false, true);
                case "jdbc-schema-nockpt" -> jdbcSchema(dir, data, total, chunk, batch, true, false);
                default -> throw new IllegalArgumentException(mode);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            // The storing thread's own CPU time: unlike the wall time, it hardly depends on what else the machine runs.
            double cpu = (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - c0) / 1e9;
            System.out.printf("{\"mode\":\"%s\",\"bytes\":%d,\"chunk\":%d,\"batch\":%d,\"seconds\":%.4f,\"mbps\":%.2f,"
                            + "\"cpuSeconds\":%.4f,\"cpuSecondsPerGiB\":%.4f}%n",
                    mode, total, chunk, batch, s, total / 1e6 / s, cpu, cpu / (total / 1073741824.0));
        }
        clean(dir);
    }

    /** Gen's output: 100-byte lines, zero-padded line number and '\n'; repeated when TOTAL is larger. */
    private static byte[] gen(int n) {
        byte[] out = new byte[n];
        for (int line = 0; line * 100 < n; line++) {
            long v = line;
            for (int i = 98; i >= 0; i--) {
                int at = line * 100 + i;
                if (at < n) {
                    out[at] = (byte) ('0' + (v % 10));
                }
                v /= 10;
            }
            if (line * 100 + 99 < n) {
                out[line * 100 + 99] = '\n';
            }
        }
        return out;
    }

    private static void store(Path dir, byte[] data, long total, int chunk, int batch, boolean existing) {
        if (existing) {
            SqliteStores.open(HarnessHome.at(dir), Clock.systemUTC()).close(); // creates the database
        }
        try (SqliteStores stores = SqliteStores.open(HarnessHome.at(dir), Clock.systemUTC())) {
            String id = stores.sessions().claimSlot(SessionSpec.of(List.of("ceiling"), "/")).id();
            stores.sessions().update(id, s -> s.toBuilder().status(SessionStatus.RUNNING).startedAt(Instant.now()).build());
            List<PendingChunk> pending = new ArrayList<>();
            long inBatch = 0;
            for (long off = 0; off < total; off += chunk) {
                int len = (int) Math.min(chunk, total - off);
                int at = (int) (off % data.length);
                len = Math.min(len, data.length - at);
                // The daemon decodes each read into a String; so does this.
                pending.add(new PendingChunk(id, StreamType.STDOUT, Instant.now(), new String(data, at, len, StandardCharsets.UTF_8)));
                inBatch += len;
                if (inBatch >= batch) {
                    stores.outputs().appendBatch(pending);
                    pending.clear();
                    inBatch = 0;
                }
            }
            stores.outputs().appendBatch(pending);
            stores.sessions().update(id, s -> s.toBuilder().status(SessionStatus.COMPLETED).exitCode(0).endedAt(Instant.now()).build());
        }
    }

    private static void jdbc(Path dir, byte[] data, long total, int chunk, int batch, boolean blob) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("raw.db"))) {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA page_size = 32768");
                st.execute("PRAGMA journal_mode = WAL");
                st.execute("PRAGMA synchronous = NORMAL");
                st.execute("CREATE TABLE out (session_id TEXT NOT NULL, seq INTEGER NOT NULL, stream TEXT NOT NULL,"
                        + " timestamp INTEGER NOT NULL, data " + (blob ? "BLOB" : "TEXT") + " NOT NULL, bytes INTEGER NOT NULL,"
                        + " UNIQUE (session_id, seq))");
                st.execute("CREATE INDEX out_time ON out (session_id, timestamp)");
            }
            c.setAutoCommit(false);
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO out VALUES (?, ?, ?, ?, ?, ?)")) {
                String id = "01M7Y9D70N0ZFWJ8QYT75YED4E";
                long seq = 0;
                long inBatch = 0;
                for (long off = 0; off < total; off += chunk) {
                    int len = (int) Math.min(chunk, total - off);
                    int at = (int) (off % data.length);
                    len = Math.min(len, data.length - at);
                    ins.setString(1, id);
                    ins.setLong(2, ++seq);
                    ins.setString(3, "stdout");
                    ins.setLong(4, System.currentTimeMillis());
                    if (blob) {
                        byte[] b = new byte[len];
                        System.arraycopy(data, at, b, 0, len);
                        ins.setBytes(5, b);
                    } else {
                        ins.setString(5, new String(data, at, len, StandardCharsets.UTF_8));
                    }
                    ins.setInt(6, len);
                    ins.addBatch();
                    inBatch += len;
                    if (inBatch >= batch) {
                        ins.executeBatch();
                        c.commit();
                        inBatch = 0;
                    }
                }
                ins.executeBatch();
                c.commit();
            }
        }
    }

    private static void jdbcSchema(Path dir, byte[] data, long total, int chunk, int batch, boolean fk, boolean checkpoint)
            throws Exception {
        String id;
        try (SqliteStores stores = SqliteStores.open(HarnessHome.at(dir), Clock.systemUTC())) {
            id = stores.sessions().claimSlot(SessionSpec.of(List.of("ceiling"), "/")).id();
            stores.sessions().update(id, s -> s.toBuilder().status(SessionStatus.RUNNING).startedAt(Instant.now()).build());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("harness.db"))) {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA journal_mode = WAL");
                st.execute("PRAGMA synchronous = NORMAL");
                st.execute("PRAGMA cache_size = -16384");
                st.execute("PRAGMA journal_size_limit = 67108864");
                st.execute("PRAGMA foreign_keys = " + (fk ? "ON" : "OFF"));
                if (!checkpoint) {
                    st.execute("PRAGMA wal_autocheckpoint = 0"); // as if another thread checkpointed
                }
            }
            c.setAutoCommit(false);
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO session_outputs (session_id, seq, stream, timestamp, data, bytes) VALUES (?, ?, ?, ?, ?, ?)");
                 PreparedStatement adv = c.prepareStatement("UPDATE sessions SET output_chunks = ?, output_bytes = output_bytes + ? WHERE id = ?")) {
                long seq = 0;
                long inBatch = 0;
                for (long off = 0; off < total; off += chunk) {
                    int len = (int) Math.min(chunk, total - off);
                    int at = (int) (off % data.length);
                    len = Math.min(len, data.length - at);
                    ins.setString(1, id);
                    ins.setLong(2, ++seq);
                    ins.setString(3, "stdout");
                    ins.setLong(4, System.currentTimeMillis());
                    ins.setString(5, new String(data, at, len, StandardCharsets.UTF_8));
                    ins.setInt(6, len);
                    ins.addBatch();
                    inBatch += len;
                    if (inBatch >= batch || off + chunk >= total) {
                        ins.executeBatch();
                        adv.setLong(1, seq);
                        adv.setLong(2, inBatch);
                        adv.setString(3, id);
                        adv.executeUpdate();
                        c.commit();
                        inBatch = 0;
                    }
                }
            }
        }
    }

    private static void file(Path dir, byte[] data, long total, int chunk) throws Exception {
        try (var ch = java.nio.channels.FileChannel.open(dir.resolve("raw.out"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
            for (long off = 0; off < total; off += chunk) {
                int len = (int) Math.min(chunk, total - off);
                int at = (int) (off % data.length);
                len = Math.min(len, data.length - at);
                ch.write(java.nio.ByteBuffer.wrap(data, at, len));
            }
        }
    }

    private static void clean(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private StoreCeiling() {
    }
}
