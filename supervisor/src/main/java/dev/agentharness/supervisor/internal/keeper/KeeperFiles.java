package dev.agentharness.supervisor.internal.keeper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where a session's keeper lives in the home: {@code keepers/ID.sock} (its socket), {@code ID.exit}
 * (the agent's exit record, until a daemon acknowledged it) and {@code ID.log} (its own log). The
 * directory is 0700 and every file 0600, as everything in the home.
 */
public record KeeperFiles(Path dir, String sessionId) {
    public static Path directory(Path home) {
        return home.resolve("keepers");
    }

    /** Where a spare keeper (started ahead, not yet given a session) listens. */
    public static Path spareSocket(Path home, long pid) {
        return directory(home).resolve("spare-" + pid + ".sock");
    }

    public static KeeperFiles of(Path home, String sessionId) {
        return new KeeperFiles(directory(home), sessionId);
    }

    public Path socket() {
        return dir.resolve(sessionId + ".sock");
    }

    public Path exitRecord() {
        return dir.resolve(sessionId + ".exit");
    }

    public Path log() {
        return dir.resolve(sessionId + ".log");
    }

    /** Creates the directory 0700 if it is missing. */
    public void ensureDirectory() throws IOException {
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another keeper made it
            }
        }
    }

    /** The files a finished session no longer needs; the exit record only after it was acknowledged. */
    public void removeAll() {
        for (Path p : new Path[] {socket(), exitRecord(), log()}) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover file is harmless: the next keeper of this id never comes (ids are unique)
            }
        }
    }
}
