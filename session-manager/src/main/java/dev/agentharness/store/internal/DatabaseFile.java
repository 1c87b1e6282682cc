package dev.agentharness.store.internal;

import dev.agentharness.core.error.IncompatibleDatabaseException;
import dev.agentharness.core.error.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;

/**
 * Everything done to the database file before SQLite sees it.
 *
 * <p>The file is created by us with mode 0600 because it holds agents' environments, and SQLite
 * gives its {@code -wal} and {@code -shm} files the mode of the database file. The header is read
 * by hand because handing a foreign file to SQLite is not harmless: {@code PRAGMA journal_mode=WAL}
 * or a migration would rewrite it. A file we refuse is left byte-for-byte as it was.
 */
final class DatabaseFile {
    static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
    private static final int HEADER_SIZE = 100;
    private static final int USER_VERSION_OFFSET = 60;

    private DatabaseFile() {
    }

    /**
     * Creates {@code file} (mode 0600) when it is missing, otherwise checks that it is an SQLite
     * database whose schema this build knows.
     *
     * @return true when the file is new (empty)
     */
    static boolean prepare(Path file, int latestVersion) {
        try {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
                    return true;
                } catch (FileAlreadyExistsException raced) {
                    // Another harness process created it a moment ago; check it like any other.
                }
            }
            if (Files.isDirectory(file)) {
                throw new StoreException("cannot use " + file + " as the database: it is a directory");
            }
            long size = Files.size(file);
            if (size == 0) {
                return true;
            }
            byte[] header = new byte[HEADER_SIZE];
            int read;
            try (InputStream in = Files.newInputStream(file)) {
                read = in.readNBytes(header, 0, HEADER_SIZE);
            }
            if (read < HEADER_SIZE || !Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw notSqlite(file);
            }
            int userVersion = ((header[USER_VERSION_OFFSET] & 0xFF) << 24) | ((header[USER_VERSION_OFFSET + 1] & 0xFF) << 16)
                    | ((header[USER_VERSION_OFFSET + 2] & 0xFF) << 8) | (header[USER_VERSION_OFFSET + 3] & 0xFF);
            checkVersion(file, userVersion, latestVersion);
            return false;
        } catch (IOException e) {
            throw new StoreException("cannot use the database " + file + ": " + e.getMessage(), e);
        }
    }

    static void checkVersion(Path file, int userVersion, int latestVersion) {
        if (userVersion > latestVersion || userVersion < 0) {
            throw new IncompatibleDatabaseException(file + " was written by a newer agent-harness (schema version "
                    + Integer.toUnsignedString(userVersion) + "; this build knows up to " + latestVersion
                    + "); upgrade agent-harness or use another --home");
        }
    }

    static IncompatibleDatabaseException notSqlite(Path file) {
        return new IncompatibleDatabaseException(file + " is not an SQLite database; move it aside or use another --home");
    }

    /** Narrows an existing database (and its WAL files) to 0600, as an older build may have left it wider. */
    static void tightenPermissions(Path file) {
        for (Path p : new Path[] {file, sibling(file, "-wal"), sibling(file, "-shm")}) {
            try {
                if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.getPosixFilePermissions(p).equals(OWNER_READ_WRITE)) {
                    Files.setPosixFilePermissions(p, OWNER_READ_WRITE);
                }
            } catch (IOException | UnsupportedOperationException e) {
                throw new StoreException("cannot restrict the permissions of " + p + " to 0600: " + e.getMessage(), e);
            }
        }
    }

    static Path sibling(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }
}
