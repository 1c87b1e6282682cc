package dev.agentharness.store.internal;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns at writing the database, shared by every process that writes it: the daemon, a command
 * that writes without one, and the keepers (the native keeper takes the same lock with
 * {@code fcntl(F_SETLKW)}, which Java's {@link FileChannel#lock()} conflicts with).
 *
 * <p><b>Why.</b> SQLite lets one connection write at a time; one that finds the database locked
 * sleeps in its busy handler (1, 2, 5 … then 100 ms a try) and is not woken when the lock is freed.
 * Three flooding keepers spent seconds each asleep there while the lock was mostly free. Keepers
 * that queued on this lock among themselves were much faster, but then the lock was free only for
 * the microseconds between one keeper's commit and the next one's begin, and the daemon, still
 * polling from its busy handler, could wait out its whole 5 s timeout ({@code SoakTortureIT}: "the
 * database is locked"). So every writer queues here, and the kernel wakes the waiters the moment
 * the lock is released.
 *
 * <p>A turn only saves waiting; SQLite's own locking still keeps writers apart. So anything that
 * keeps a turn from being taken (the file cannot be opened, another store of this JVM holds the lock,
 * an interrupt) lets the transaction go on without one. The lock dies with its process, so a killed
 * writer never leaves it held.
 */
final class WriteTurns implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WriteTurns.class);

    /** A turn; closing it lets the next writer go. */
    interface Turn extends AutoCloseable {
        @Override
        void close();
    }

    private static final Turn NONE = () -> { };

    private final Path file;
    private FileChannel channel; // opened at the first turn (read-only stores never take one); guarded by this
    private boolean warned; // guarded by this

    WriteTurns(Path file) {
        this.file = file;
    }

    /** The lock file of the database {@code database}: {@code write.lock} beside it. */
    static Path of(Path database) {
        return database.toAbsolutePath().resolveSibling("write.lock");
    }

    /** Waits for this writer's turn. */
    Turn take() {
        FileChannel ch = channel();
        if (ch == null) {
            return NONE;
        }
        FileLock lock;
        try {
            lock = ch.lock();
        } catch (OverlappingFileLockException sameJvm) {
            return NONE; // another store of this JVM has the turn; SQLite orders the two
        } catch (ClosedByInterruptException interrupted) {
            forget(ch); // the interrupt closed the channel: open it again next time
            return NONE;
        } catch (IOException e) {
            forget(ch);
            warnOnce("cannot take a turn at " + file + " (" + e + "); writing without");
            return NONE;
        }
        return () -> {
            try {
                lock.release();
            } catch (IOException e) {
                // The channel was closed, and the lock with it.
            }
        };
    }

    private synchronized FileChannel channel() {
        if (channel == null) {
            try {
                channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (IOException | UnsupportedOperationException e) {
                warnOnce("cannot open " + file + " (" + e + "); writes wait on SQLite's busy handler alone");
                return null;
            }
        }
        return channel;
    }

    private synchronized void forget(FileChannel ch) {
        if (channel == ch) {
            channel = null;
        }
        try {
            ch.close();
        } catch (IOException ignored) {
            // already closed by the interrupt
        }
    }

    private synchronized void warnOnce(String message) {
        if (!warned) {
            warned = true;
            LOG.warn(message);
        }
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was pending on it
            }
            channel = null;
        }
    }
}
