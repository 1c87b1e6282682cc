package dev.agentharness.supervisor.internal.keeper;

import dev.agentharness.supervisor.internal.capture.WriteTurns;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write turns from a POSIX record lock on {@code keepers/write.lock}, shared with the native keeper
 * (harness-keeper.c takes the same lock with fcntl F_SETLKW, which Java's {@link FileChannel#lock()}
 * conflicts with). The lock dies with its process, so a killed keeper never leaves it held. Only the
 * keeper's writer thread takes turns: a JVM may hold a file's lock once.
 */
public final class LockFileTurns implements WriteTurns, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LockFileTurns.class);

    private final FileChannel channel;

    private LockFileTurns(FileChannel channel) {
        this.channel = channel;
    }

    public static Path lockFile(Path home) {
        return KeeperFiles.directory(home).resolve("write.lock");
    }

    /** The turns of the keepers of {@code home}; {@link WriteTurns#NONE} if the file cannot be opened. */
    public static WriteTurns open(Path home) {
        Path file = lockFile(home);
        try {
            return new LockFileTurns(FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))));
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("cannot open {} ({}); transactions wait on SQLite's busy handler alone", file, e.toString());
            return NONE;
        }
    }

    @Override
    public Turn take() {
        FileLock lock;
        try {
            lock = channel.lock();
        } catch (IOException e) {
            // Taking turns only saves waiting; SQLite's own locking still keeps the writes apart.
            LOG.warn("cannot take the write turn ({}); going on without it", e.toString());
            return () -> { };
        }
        return () -> {
            try {
                lock.release();
            } catch (IOException e) {
                LOG.warn("cannot release the write turn: {}", e.toString());
            }
        };
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
