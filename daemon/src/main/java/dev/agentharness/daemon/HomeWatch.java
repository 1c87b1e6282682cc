package dev.agentharness.daemon;

import dev.agentharness.store.HarnessHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;

/**
 * Notices that the home was deleted (or replaced) under a running daemon. SQLite keeps writing into
 * the open, deleted database file, where no reader will ever see it again, and the socket is gone
 * with the directory, so nothing would tell the user. The database file's identity (device and
 * inode, {@link BasicFileAttributes#fileKey()}) is recorded at start and compared on every check.
 */
public final class HomeWatch {
    private final Path database;
    private final Object key;

    private HomeWatch(Path database, Object key) {
        this.database = database;
        this.key = key;
    }

    /** Records the identity of the home's database as it is now. */
    public static HomeWatch of(HarnessHome home) throws IOException {
        Path db = home.database();
        return new HomeWatch(db, fileKey(db).orElseThrow(() -> new IOException(db + " has no file key")));
    }

    /** Empty while the database is the one the daemon opened; otherwise what happened to it. */
    public Optional<String> check() {
        Optional<Object> now;
        try {
            now = fileKey(database);
        } catch (IOException e) {
            now = Optional.empty();
        }
        if (now.isEmpty()) {
            return Optional.of(database + " was deleted");
        }
        if (!Objects.equals(now.get(), key)) {
            return Optional.of(database + " was replaced by another file");
        }
        return Optional.empty();
    }

    private static Optional<Object> fileKey(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.ofNullable(Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey());
    }
}
