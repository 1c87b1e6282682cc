package dev.agentharness.supervisor.internal.keeper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where a session's keeper lives in the home: {@code keepers/ID.sock} (its socket), {@code ID.exit}
 * (the agent's exit record, until a daemon acknowledged it), {@code ID.log} (its own log) and
 * {@code ID.keeper} (its pid and start time, written by the daemon as it starts or adopts it). The
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

    /**
     * The keeper's pid and start time ({@code "PID START"}), written by the daemon when it starts (or
     * adopts) the session's keeper, before the keeper serves: a daemon that reattaches a session still
     * {@code starting} knows whether a keeper is on its way, instead of waiting a fixed time for a socket.
     */
    public Path keeperIdentity() {
        return dir.resolve(sessionId + ".keeper");
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
        for (Path p : new Path[] {socket(), exitRecord(), log(), keeperIdentity()}) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover file is harmless: the next keeper of this id never comes (ids are unique)
            }
        }
    }
}
