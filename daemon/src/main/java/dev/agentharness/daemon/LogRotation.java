package dev.agentharness.daemon;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Keeps {@code daemon.log} bounded: once it is larger than the limit, its content moves to
 * {@code daemon.log.1} (replacing the previous one) and the log starts again empty. Copy then
 * truncate, as logrotate's {@code copytruncate} does, because a background daemon's stdout and
 * stderr are that file, opened in append mode by whoever launched it: a rename would leave the
 * daemon writing on into the renamed file. In append mode the next write after the truncation
 * lands at the new end, so nothing is written into a hole. Lines written between the copy and the
 * truncation can be lost; at one check a minute that is a window of microseconds.
 */
public final class LogRotation {
    /** Ten MiB: weeks of a daemon's ordinary logging, and small enough to open in any editor. */
    public static final long DEFAULT_LIMIT = 10L * 1024 * 1024;

    private final Path log;
    private final long limit;

    public LogRotation(Path log, long limit) {
        this.log = log;
        this.limit = limit;
    }

    /** Rotates if the log is over the limit; returns whether it did. */
    public boolean rotateIfNeeded() throws IOException {
        if (!Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS) || Files.size(log) <= limit) {
            return false;
        }
        Path old = log.resolveSibling(log.getFileName() + ".1");
        Path partial = log.resolveSibling(log.getFileName() + ".1.tmp");
        Files.deleteIfExists(partial);
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.copy(log, partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, old, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        return true;
    }
}
