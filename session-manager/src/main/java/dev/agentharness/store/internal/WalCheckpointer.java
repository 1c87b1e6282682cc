package dev.agentharness.store.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Checkpoints the WAL on a thread and connection of its own, so that the writer's commits never do.
 *
 * <p><b>Why.</b> With SQLite's automatic checkpoint, the commit that takes the WAL past 1000 pages
 * also copies it into the database and waits for two fsyncs. The capture benchmark found the output
 * writer spending most of its time there, while the agents' pipes filled up behind it; with
 * {@code synchronous=OFF} the same writes went twice as fast, which measured the cost of those
 * waits. Moving the checkpoint here keeps the fsyncs (and so the durability of
 * {@code synchronous=NORMAL}) but lets the writer go on appending meanwhile.
 *
 * <p><b>Keeping the WAL bounded.</b> A checkpoint copies the frames that exist when it starts; the
 * WAL only starts over from its beginning when a writer finds every frame copied. Under a steady
 * stream of commits that moment may never come, and the WAL would grow by everything written. So
 * once about {@code pauseBytes} have been committed since the WAL last started over, the writer is
 * asked to wait before its next transaction ({@link #awaitRoom}) until this thread has copied
 * everything; that transaction then starts the WAL over. The writer counts the bytes itself (what
 * it tells {@link #committed}), because a checkpoint learns the WAL's size only when it starts, and
 * under load passes are slow: deciding from their figures alone let the WAL reach 310 MiB in a test.
 * Every commit counts at least one page, and each pass's frame count (which includes every page
 * written, status changes too) also asks for the pause once it is past the bound: counting output
 * bytes alone let bursts of start/stop commits take the WAL to 157 MB and more (issue 16). The
 * wait is one checkpoint of what was written since the last one, and never longer than
 * {@link #MAX_PAUSE}: a reader holding an old snapshot can keep a checkpoint from
 * finishing, and the writer must not hang on it. After such a timeout the writer is not asked to
 * wait again for {@link #QUIET_AFTER_TIMEOUT}: while that reader stays, the WAL grows as it would
 * with SQLite's own checkpoints, and the writer keeps its speed.
 *
 * <p><b>When a pass runs.</b> A pass costs two fsyncs whatever it copies, so a trickle of commits
 * (an agent printing a line now and then) is gathered for {@link #MIN_INTERVAL} between passes:
 * a few fsyncs a second, not one per commit. A flood is different: there the passes should keep
 * close behind the writer, because when the writer reaches its bound it waits for the last one,
 * and that wait is shorter the less is left to copy. So a pass also starts as soon as
 * {@code passBytes} have been committed since the last one. With three agents flooding, 2 MiB
 * against 50 ms alone took 3.7% off the capture time ({@code bench/run.sh}'s 3-agent capture,
 * alternating daemons by hand; passes every 10 ms regardless of size gained about as much, but
 * would sync a trickle five times as often).
 */
final class WalCheckpointer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);

    static final Duration MIN_INTERVAL = Duration.ofMillis(50);
    static final long PASS_BYTES = 2L * 1024 * 1024;
    static final Duration MAX_PAUSE = Duration.ofSeconds(1);
    static final Duration QUIET_AFTER_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofMillis(500);

    private final Path file;
    private final long pauseBytes;
    /** The database's page size: every commit writes at least one page to the WAL. */
    private final long pageBytes;
    private final long passBytes;
    private final long minIntervalNanos;
    private final Connection conn;
    private final Thread thread;

    // Guarded by this.
    private boolean closed;
    private boolean dirty;
    private boolean pauseWanted;
    private boolean caughtUp;
    private long noPauseUntil;
    /** Bytes committed since the WAL last started over (as far as the writer told). */
    private long sinceRestart;
    /** Bytes committed since the last pass began. */
    private long sincePass;

    private WalCheckpointer(Path file, long pauseBytes, long passBytes, Duration minInterval, Connection conn, long pageBytes) {
        this.file = file;
        this.pauseBytes = pauseBytes;
        this.pageBytes = pageBytes;
        this.passBytes = passBytes;
        this.minIntervalNanos = minInterval.toNanos();
        this.conn = conn;
        this.noPauseUntil = System.nanoTime();
        this.thread = new Thread(this::run, "harness-checkpointer");
        this.thread.setDaemon(true);
    }

    /**
     * Opens a connection of its own to {@code file} and starts checkpointing. The caller turns off
     * the automatic checkpoint of its own connection.
     */
    static WalCheckpointer start(Path file, Duration busyTimeout, long pauseBytes) throws SQLException {
        return start(file, busyTimeout, pauseBytes, PASS_BYTES, MIN_INTERVAL);
    }

    /** As {@link #start(Path, Duration, long)}, with the pass triggers given (for tests). */
    static WalCheckpointer start(Path file, Duration busyTimeout, long pauseBytes, long passBytes, Duration minInterval)
            throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        Connection conn = config.createConnection("jdbc:sqlite:" + file);
        long pageBytes;
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA wal_autocheckpoint = 0"); // it reads nothing, but to be explicit
            try (ResultSet rs = st.executeQuery("PRAGMA page_size")) {
                pageBytes = rs.next() ? rs.getLong(1) : 4096;
            }
        }
        WalCheckpointer checkpointer = new WalCheckpointer(file, pauseBytes, passBytes, minInterval, conn, pageBytes);
        checkpointer.thread.start();
        return checkpointer;
    }

    /**
     * A write transaction committed about {@code bytes} of payload (0 when the writer does not
     * know; small writes need not count): there is something to copy.
     */
    synchronized void committed(long bytes) {
        dirty = true;
        caughtUp = false;
        // At least a page, whatever the payload: a status change writes no output but several pages
        // (the row, its indexes), and counting it as nothing let 100 quick start/stop cycles take the
        // WAL to 157 MB. The passes below correct this floor with SQLite's own frame count.
        long counted = Math.max(bytes, pageBytes);
        sinceRestart += counted;
        sincePass += counted;
        if (sinceRestart > pauseBytes && System.nanoTime() - noPauseUntil >= 0) {
            pauseWanted = true;
        }
        notifyAll();
    }

    /**
     * Called before a write transaction begins: when the WAL has grown past its bound, waits (at most
     * {@link #MAX_PAUSE}) until every frame is copied, so that this transaction starts it over.
     */
    synchronized void awaitRoom() {
        if (caughtUp) {
            sinceRestart = 0; // every frame is copied: this transaction starts the WAL over
        }
        if (!pauseWanted || closed) {
            return;
        }
        long deadline = System.nanoTime() + MAX_PAUSE.toNanos();
        boolean interrupted = false;
        while (!caughtUp && !closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        pauseWanted = false;
        if (caughtUp) {
            sinceRestart = 0;
        } else if (!closed) {
            noPauseUntil = System.nanoTime() + QUIET_AFTER_TIMEOUT.toNanos();
            log.debug("{}: checkpoint did not catch up within {} (a reader's snapshot?); not waiting again for {}", file,
                    MAX_PAUSE, QUIET_AFTER_TIMEOUT);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long lastPass = System.nanoTime() - minIntervalNanos; // the first pass need not wait
        boolean failing = false; // the last pass failed: say so once, and again when one succeeds
        while (true) {
            synchronized (this) {
                try {
                    while (!closed && !dirty) {
                        wait();
                    }
                    // Let a few commits gather, unless the writer is waiting for this pass or a flood
                    // has already committed a pass's worth.
                    long wake = lastPass + minIntervalNanos;
                    while (!closed && !pauseWanted && sincePass < passBytes && System.nanoTime() - wake < 0) {
                        TimeUnit.NANOSECONDS.timedWait(this, wake - System.nanoTime());
                    }
                } catch (InterruptedException e) {
                    closed = true;
                }
                if (closed) {
                    return;
                }
                dirty = false;
                sincePass = 0;
            }
            lastPass = System.nanoTime();
            long[] frames;
            try {
                frames = pass();
                if (failing) {
                    log.info("{}: checkpoints work again", file);
                    failing = false;
                }
            } catch (SQLException e) {
                // A full disk fails every pass for as long as it lasts: one line, not two a second.
                if (!failing) {
                    log.warn("{}: checkpoint failed, retrying every {} ms: {}", file, RETRY_AFTER_FAILURE.toMillis(),
                            SqlErrors.detail(e));
                    failing = true;
                }
                frames = null;
            }
            synchronized (this) {
                if (frames == null) {
                    dirty = true; // failed: try again after a while
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, RETRY_AFTER_FAILURE.toNanos());
                    } catch (InterruptedException e) {
                        closed = true;
                    }
                    continue;
                }
                long inWal = frames[0];
                long copied = frames[1];
                if (inWal < 0 && stillWal()) {
                    // Another connection (a keeper committing in its own process) holds the checkpoint
                    // lock right now: SQLite answers -1 then too. Not the end of WAL mode: try again later.
                    dirty = true;
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, RETRY_AFTER_FAILURE.toNanos());
                    } catch (InterruptedException e) {
                        closed = true;
                    }
                    continue;
                }
                if (inWal < 0) {
                    // Not in WAL mode (SQLite could not switch, see SqliteDatabase.open): nothing to do, ever.
                    log.warn("{}: not in WAL mode; background checkpoints stop", file);
                    closed = true;
                    notifyAll();
                    return;
                }
                // SQLite's own count of the WAL's frames, every page of every commit included: past the
                // bound, the writer waits for a pass that copies everything, however it got there.
                if (inWal * pageBytes > pauseBytes && System.nanoTime() - noPauseUntil >= 0) {
                    sinceRestart = Math.max(sinceRestart, inWal * pageBytes);
                    pauseWanted = true;
                }
                if (inWal == copied && !dirty) {
                    caughtUp = true; // and the next write transaction starts the WAL over
                    notifyAll();
                } else {
                    // Frames left (a reader's snapshot held them back) or new ones committed meanwhile.
                    dirty = true;
                }
            }
        }
    }

    /** One PASSIVE checkpoint: {frames in the WAL, frames copied}. */
    /** Whether the database is (still) in WAL mode; false also when that cannot be read. */
    private boolean stillWal() {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
            return rs.next() && "wal".equalsIgnoreCase(rs.getString(1));
        } catch (SQLException e) {
            return false;
        }
    }

    private long[] pass() throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            if (!rs.next()) {
                throw new SQLException("wal_checkpoint returned no row");
            }
            return new long[] {rs.getLong(2), rs.getLong(3)};
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            conn.close();
        } catch (SQLException e) {
            log.warn("closing the checkpoint connection to {} failed: {}", file, SqlErrors.detail(e));
        }
    }
}
