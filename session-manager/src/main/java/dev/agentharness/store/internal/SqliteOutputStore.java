package dev.agentharness.store.internal;

import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.OutputSize;
import dev.agentharness.core.PendingChunk;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.Utf8;
import dev.agentharness.core.error.NoSuchSessionException;
import dev.agentharness.core.store.OutputStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Output chunks in {@code session_outputs}.
 *
 * <p>Each session's last seq is kept on its row ({@code sessions.output_chunks}), so numbering a
 * batch costs one primary-key read per session instead of a {@code MAX(seq)}, and the counters
 * are advanced once per session per batch. Timestamps are stored as epoch milliseconds: this is
 * the one table that grows to millions of rows, and an integer is 8 bytes against 24 of text.
 *
 * <p>Readers that can return a lot ({@link #writeFull}, {@link #writeLastLines}) fetch a bounded
 * page under the database lock, release it, and only then write to the caller's {@link Writer},
 * so a slow client never holds up the daemon's writes and memory stays constant. They read up to
 * the last seq that existed when they started, so that they end even while the agent still
 * prints; a follower continues from the seq they return.
 */
public final class SqliteOutputStore implements OutputStore {
    private static final Logger log = LoggerFactory.getLogger(SqliteOutputStore.class);

    /** A page is at most this many chunks... */
    public static final int PAGE_ROWS = 512;
    /** ...and stops early once it holds this many bytes. */
    static final long PAGE_BYTES = 1L << 20;

    private static final String COLUMNS = "SELECT seq, stream, timestamp, data FROM session_outputs";
    /**
     * Text is bound as a BLOB of its UTF-8 bytes and cast to TEXT, which SQLite does by taking the
     * bytes as they are (the database is UTF-8): the column holds TEXT, and the driver never turns
     * the bytes into a Java string and back.
     */
    private static final String INSERT = "INSERT INTO session_outputs (session_id, seq, stream, timestamp, data, bytes)"
            + " VALUES (?, ?, ?, ?, CAST(? AS TEXT), ?)";
    /**
     * A chunk that is not well-formed UTF-8 is stored as a BLOB, byte for byte (a TEXT-affinity
     * column keeps a BLOB as it is): casting it to TEXT would store invalid text, and replacing the
     * bytes would lose them.
     */
    private static final String INSERT_BLOB = "INSERT INTO session_outputs (session_id, seq, stream, timestamp, data, bytes)"
            + " VALUES (?, ?, ?, ?, ?, ?)";
    private static final String LAST_SEQ = "SELECT output_chunks FROM sessions WHERE id = ?";
    private static final String ADVANCE = "UPDATE sessions SET output_chunks = ?, output_bytes = output_bytes + ?,"
            + " last_activity_at = MAX(COALESCE(last_activity_at, ''), ?) WHERE id = ?";
    private static final String NEWEST = COLUMNS + " WHERE session_id = ? ORDER BY seq DESC LIMIT ?";
    private static final String SINCE = COLUMNS + " WHERE session_id = ? AND timestamp >= ? ORDER BY seq";
    private static final String AFTER = COLUMNS + " WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?";
    private static final String FORWARD = COLUMNS + " WHERE session_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?";
    private static final String FORWARD_STREAM =
            COLUMNS + " WHERE session_id = ? AND seq > ? AND seq <= ? AND stream = ? ORDER BY seq LIMIT ?";
    private static final String BACKWARD = COLUMNS + " WHERE session_id = ? AND seq <= ? ORDER BY seq DESC LIMIT ?";
    private static final String BACKWARD_STREAM =
            COLUMNS + " WHERE session_id = ? AND seq <= ? AND stream = ? ORDER BY seq DESC LIMIT ?";
    private static final String SIZE = "SELECT output_bytes, output_chunks FROM sessions WHERE id = ?";
    private static final String DELETE = "DELETE FROM session_outputs WHERE session_id = ?";
    private static final String RESET = "UPDATE sessions SET output_bytes = 0, output_chunks = 0 WHERE id = ?";

    private final SqliteDatabase db;

    public SqliteOutputStore(SqliteDatabase db) {
        this.db = db;
    }

    @Override
    public OutputChunk append(String sessionId, StreamType stream, Instant timestamp, String text) {
        PendingChunk pending = new PendingChunk(sessionId, stream, timestamp, text);
        return db.write(() -> {
            long seq = store(List.of(pending), true).get(sessionId);
            return new OutputChunk(sessionId, seq, stream, Times.truncate(timestamp), pending.utf8());
        });
    }

    /**
     * One transaction, one prepared insert executed as a JDBC batch. Chunks of a session that no
     * longer exists (deleted while its agent still ran) are dropped with a warning rather than
     * failing the batch, which carries other sessions' output too.
     */
    @Override
    public void appendBatch(List<PendingChunk> chunks) {
        if (chunks.isEmpty()) {
            return;
        }
        db.write(() -> store(chunks, false));
    }

    /** @return each session's last seq after the batch */
    private Map<String, Long> store(List<PendingChunk> chunks, boolean strict) throws SQLException {
        final class Cursor {
            long seq;
            long bytes;
            long latestMillis = Long.MIN_VALUE;
            boolean missing;
            boolean advanced;
        }
        Map<String, Cursor> cursors = new LinkedHashMap<>();
        PreparedStatement text = db.statement(INSERT);
        PreparedStatement blob = null;
        int batched = 0;
        int blobs = 0;
        long batchedBytes = 0;
        for (PendingChunk chunk : chunks) {
            Cursor cursor = cursors.get(chunk.sessionId());
            if (cursor == null) {
                cursor = new Cursor();
                Long last = lastSeq(chunk.sessionId());
                if (last == null) {
                    if (strict) {
                        throw new NoSuchSessionException(chunk.sessionId());
                    }
                    log.warn("dropping output of session {}: it no longer exists", chunk.sessionId());
                    cursor.missing = true;
                } else {
                    cursor.seq = last;
                }
                cursors.put(chunk.sessionId(), cursor);
            }
            if (cursor.missing) {
                continue;
            }
            long millis = chunk.timestamp().toEpochMilli();
            byte[] utf8 = chunk.utf8();
            int bytes = utf8.length;
            cursor.seq++;
            cursor.bytes += bytes;
            cursor.latestMillis = Math.max(cursor.latestMillis, millis);
            cursor.advanced = true;
            PreparedStatement insert = text;
            if (!Utf8.isWellFormed(utf8, bytes)) {
                blob = blob == null ? db.statement(INSERT_BLOB) : blob;
                insert = blob;
                blobs++;
            }
            insert.setString(1, chunk.sessionId());
            insert.setLong(2, cursor.seq);
            insert.setString(3, chunk.stream().wireName());
            insert.setLong(4, millis);
            insert.setBytes(5, utf8);
            insert.setInt(6, bytes);
            insert.addBatch();
            batched++;
            batchedBytes += bytes;
        }
        if (batched > 0) {
            db.wrote(batchedBytes);
            try {
                if (batched > blobs) {
                    text.executeBatch();
                }
                if (blobs > 0) {
                    blob.executeBatch();
                }
            } finally {
                text.clearBatch();
                if (blob != null) {
                    blob.clearBatch();
                }
            }
        }
        Map<String, Long> lastSeqs = new LinkedHashMap<>();
        PreparedStatement advance = db.statement(ADVANCE);
        for (Map.Entry<String, Cursor> e : cursors.entrySet()) {
            Cursor c = e.getValue();
            if (c.advanced) {
                Sql.bind(advance, c.seq, c.bytes, Times.format(Instant.ofEpochMilli(c.latestMillis)), e.getKey()).executeUpdate();
            }
            lastSeqs.put(e.getKey(), c.seq);
        }
        return lastSeqs;
    }

    private Long lastSeq(String sessionId) throws SQLException {
        try (ResultSet rs = Sql.bind(db.statement(LAST_SEQ), sessionId).executeQuery()) {
            return rs.next() ? rs.getLong(1) : null;
        }
    }

    /** {@code limit <= 0} means all of them. */
    @Override
    public List<OutputChunk> getBySession(String sessionId, int limit) {
        return db.read(() -> readAll(sessionId, NEWEST, sessionId, limit > 0 ? limit : -1));
    }

    @Override
    public List<OutputChunk> getBySessionSince(String sessionId, Instant since) {
        return db.read(() -> readAll(sessionId, SINCE, sessionId, since.toEpochMilli()));
    }

    @Override
    public List<OutputChunk> after(String sessionId, long afterSeq, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return db.read(() -> readAll(sessionId, AFTER, sessionId, afterSeq, limit));
    }

    @Override
    public String lastLines(String sessionId, int n, Set<StreamType> streams) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeLastLines(sessionId, n, streams, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        return out.toString(StandardCharsets.UTF_8); // leniently: a view of text
    }

    /**
     * Two passes over pages: backwards to find the chunk and offset where the last {@code n}
     * lines start (only newlines are counted, nothing is kept), then forwards from there to the
     * newest chunk seen by the first pass, writing.
     *
     * @return the cursor to follow from: the highest seq written; for {@code n == 0}, when nothing
     *         is written, the seq of the newest chunk of the chosen streams, so that
     *         {@code tail -n 0 -f} starts at the end rather than at the beginning
     */
    @Override
    public long writeLastLines(String sessionId, int n, Set<StreamType> streams, OutputStream out) throws IOException {
        if (n < 0) {
            throw new IllegalArgumentException("line count must not be negative");
        }
        StreamType only = single(streams);
        long upper = size(sessionId).lastSeq();
        TailFinder finder = new TailFinder(n);
        long newest = 0;
        long cursor = upper;
        boolean found = false;
        while (!found && cursor > 0) {
            long bound = cursor;
            List<OutputChunk> page = db.read(() -> only == null
                    ? readPage(sessionId, BACKWARD, sessionId, bound, PAGE_ROWS)
                    : readPage(sessionId, BACKWARD_STREAM, sessionId, bound, only.wireName(), PAGE_ROWS));
            if (page.isEmpty()) {
                break;
            }
            for (OutputChunk chunk : page) {
                if (newest == 0) {
                    newest = chunk.seq();
                }
                if (finder.feed(chunk.seq(), chunk.data())) {
                    found = true;
                    break;
                }
            }
            cursor = page.get(page.size() - 1).seq() - 1;
        }
        if (newest == 0) {
            return 0;
        }
        if (n == 0) {
            return newest;
        }
        return writeRange(sessionId, only, finder.startSeq(), finder.startOffset(), newest, out);
    }

    @Override
    public long writeFull(String sessionId, Set<StreamType> streams, OutputStream out) throws IOException {
        long upper = size(sessionId).lastSeq();
        return upper == 0 ? 0 : writeRange(sessionId, single(streams), 1, 0, upper, out);
    }

    /** Writes chunks {@code from..to} (the first from {@code offset}); returns the last seq written. */
    private long writeRange(String sessionId, StreamType only, long from, int offset, long to, OutputStream out) throws IOException {
        long written = 0;
        long cursor = from - 1;
        while (cursor < to) {
            long after = cursor;
            List<OutputChunk> page = db.read(() -> only == null
                    ? readPage(sessionId, FORWARD, sessionId, after, to, PAGE_ROWS)
                    : readPage(sessionId, FORWARD_STREAM, sessionId, after, to, only.wireName(), PAGE_ROWS));
            if (page.isEmpty()) {
                break;
            }
            for (OutputChunk chunk : page) {
                byte[] data = chunk.data();
                int skip = chunk.seq() == from ? Math.min(offset, data.length) : 0;
                out.write(data, skip, data.length - skip);
                written = chunk.seq();
            }
            cursor = page.get(page.size() - 1).seq();
        }
        out.flush();
        return written;
    }

    @Override
    public long deleteBySession(String sessionId) {
        return db.write(() -> {
            long deleted = Sql.bind(db.statement(DELETE), sessionId).executeUpdate();
            Sql.bind(db.statement(RESET), sessionId).executeUpdate();
            return deleted;
        });
    }

    /** From the counters on the session's row; {@link OutputSize#EMPTY} for an unknown session. */
    @Override
    public OutputSize size(String sessionId) {
        return db.read(() -> {
            try (ResultSet rs = Sql.bind(db.statement(SIZE), sessionId).executeQuery()) {
                if (!rs.next()) {
                    return OutputSize.EMPTY;
                }
                long chunks = rs.getLong(2);
                return new OutputSize(rs.getLong(1), chunks, chunks);
            }
        });
    }

    /**
     * The one stream to filter on in SQL, or null when all are wanted (null or empty means all). A
     * session writes either its two pipes or its terminal, never both, so a set of more than one
     * stream always means everything that session has.
     */
    private static StreamType single(Set<StreamType> streams) {
        if (streams == null || streams.size() != 1) {
            return null;
        }
        return streams.iterator().next();
    }

    private List<OutputChunk> readAll(String sessionId, String sql, Object... args) throws SQLException {
        List<OutputChunk> out = new ArrayList<>();
        try (ResultSet rs = Sql.bind(db.statement(sql), args).executeQuery()) {
            while (rs.next()) {
                out.add(chunk(sessionId, rs));
            }
        }
        return out;
    }

    /** Up to {@value #PAGE_ROWS} rows, fewer once {@value #PAGE_BYTES} bytes are held. */
    private List<OutputChunk> readPage(String sessionId, String sql, Object... args) throws SQLException {
        List<OutputChunk> out = new ArrayList<>();
        long bytes = 0;
        try (ResultSet rs = Sql.bind(db.statement(sql), args).executeQuery()) {
            while (bytes < PAGE_BYTES && rs.next()) {
                OutputChunk c = chunk(sessionId, rs);
                bytes += c.data().length;
                out.add(c);
            }
        }
        return out;
    }

    private static OutputChunk chunk(String sessionId, ResultSet rs) throws SQLException {
        // The stored bytes, TEXT or BLOB alike: exactly what the agent wrote.
        byte[] data = rs.getBytes(4);
        return new OutputChunk(sessionId, rs.getLong(1), StreamType.fromWireName(rs.getString(2)),
                Instant.ofEpochMilli(rs.getLong(3)), data == null ? new byte[0] : data);
    }
}
