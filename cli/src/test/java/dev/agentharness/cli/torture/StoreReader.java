package dev.agentharness.cli.torture;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * The test's own look at a harness database, read-only through sqlite-jdbc: the ground truth the
 * CLI's answers are compared with. Never writes; short-lived.
 */
final class StoreReader implements AutoCloseable {
    private final Connection conn;

    private StoreReader(Connection conn) {
        this.conn = conn;
    }

    static StoreReader open(Path db) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(30_000);
        try {
            return new StoreReader(config.createConnection("jdbc:sqlite:" + db.toAbsolutePath()));
        } catch (SQLException e) {
            throw new AssertionError("cannot open " + db + " read-only: " + e.getMessage(), e);
        }
    }

    /** {@code PRAGMA integrity_check}: the single row "ok", or the problems. */
    List<String> integrityCheck() {
        List<String> rows = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        } catch (SQLException e) {
            rows.add("integrity_check failed: " + e.getMessage());
        }
        return rows;
    }

    /** One session row, as far as the torture tests care. */
    record Row(String id, String name, Integer slot, String status, String reason, Long pid, Long pidStartTime,
               long outputBytes, long outputChunks, String createdAt) {
        boolean active() {
            return List.of("starting", "running", "paused", "stalled", "stopping").contains(status);
        }
    }

    List<Row> sessions() {
        return query("SELECT id, name, slot, status, reason, pid, pid_start_time, output_bytes, output_chunks, created_at"
                + " FROM sessions ORDER BY id");
    }

    List<Row> query(String sql, Object... params) {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getString(1), rs.getString(2), (Integer) rs.getObject(3), rs.getString(4), rs.getString(5),
                            longOrNull(rs, 6), longOrNull(rs, 7), rs.getLong(8), rs.getLong(9), rs.getString(10)));
                }
            }
        } catch (SQLException e) {
            throw new AssertionError(sql + ": " + e.getMessage(), e);
        }
        return rows;
    }

    private static Long longOrNull(ResultSet rs, int col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }

    long count(String sql, Object... params) {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new AssertionError(sql + ": " + e.getMessage(), e);
        }
    }

    /**
     * What is wrong with the numbering of a session's chunks, or null: seq must run 1..n without a
     * gap or a repeat, and the row's counters must agree with the chunks.
     */
    String seqProblem(String sessionId) {
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT count(*), coalesce(min(seq), 0), coalesce(max(seq), 0), coalesce(sum(bytes), 0),"
                        + " coalesce(sum(length(CAST(data AS BLOB))), 0) FROM session_outputs WHERE session_id = ?");
             PreparedStatement row = conn.prepareStatement("SELECT output_chunks, output_bytes FROM sessions WHERE id = ?")) {
            ps.setString(1, sessionId);
            row.setString(1, sessionId);
            long n;
            long min;
            long max;
            long bytes;
            long dataBytes;
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                n = rs.getLong(1);
                min = rs.getLong(2);
                max = rs.getLong(3);
                bytes = rs.getLong(4);
                dataBytes = rs.getLong(5);
            }
            long chunks;
            long outputBytes;
            try (ResultSet rs = row.executeQuery()) {
                if (!rs.next()) {
                    return "no session " + sessionId;
                }
                chunks = rs.getLong(1);
                outputBytes = rs.getLong(2);
            }
            if (n > 0 && (min != 1 || max != n)) {
                return "seq of " + sessionId + " is not 1.." + n + " without gaps: min " + min + ", max " + max;
            }
            if (chunks != n) {
                return sessionId + " says " + chunks + " chunks, " + n + " are stored";
            }
            if (outputBytes != bytes || bytes != dataBytes) {
                return sessionId + " says " + outputBytes + " bytes, its chunks say " + bytes + ", their data is " + dataBytes;
            }
            return null;
        } catch (SQLException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** The stored output of a session (one stream, or both when {@code stream} is null), as bytes. */
    byte[] output(String sessionId, String stream) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        forEachChunk(sessionId, stream, out::writeBytes);
        return out.toByteArray();
    }

    /** SHA-256 (hex) and length of a session's stored output, in constant memory. */
    Digest digest(String sessionId, String stream) {
        MessageDigest md = Torture.digest();
        long[] length = {0};
        forEachChunk(sessionId, stream, b -> {
            md.update(b);
            length[0] += b.length;
        });
        return new Digest(HexFormat.of().formatHex(md.digest()), length[0]);
    }

    record Digest(String sha256, long length) {
    }

    private void forEachChunk(String sessionId, String stream, java.util.function.Consumer<byte[]> sink) {
        String sql = "SELECT CAST(data AS BLOB) FROM session_outputs WHERE session_id = ?"
                + (stream == null ? "" : " AND stream = ?") + " ORDER BY seq";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, sessionId);
            if (stream != null) {
                ps.setString(2, stream);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byte[] b = rs.getBytes(1);
                    sink.accept(b == null ? new byte[0] : b);
                }
            }
        } catch (SQLException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            // Read-only; nothing to lose.
        }
    }
}
