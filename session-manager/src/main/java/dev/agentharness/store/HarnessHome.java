package dev.agentharness.store;

import dev.agentharness.core.error.HarnessException;
import dev.agentharness.store.internal.HomePath;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * Where all state lives: {@code --home}, else {@code $HARNESS_HOME}, else {@code ~/.harness}.
 *
 * <p>The home holds secrets (agents' environments are stored so that they can be restarted), so it
 * is kept at mode 0700, and a home owned by another user is refused rather than used: whoever owns
 * it could read the database or impersonate the daemon's socket. So is a home that is a symbolic link
 * or lies below a directory someone else could change ({@code internal/HomePath}): whoever can
 * change the path can swap the home for theirs between our check and our use.
 */
public final class HarnessHome {
    public static final String ENV_VAR = "HARNESS_HOME";
    static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private final Path dir;
    /** What {@link #ensureExists} checked (device and inode), for {@link #recheck}; null before. */
    private volatile Object identity;

    private HarnessHome(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public static HarnessHome at(Path dir) {
        return new HarnessHome(dir);
    }

    /**
     * @param explicit the {@code --home} option, or null
     * @param env      the process environment
     */
    public static HarnessHome resolve(String explicit, Map<String, String> env) {
        return resolve(explicit, env, Paths.get("").toAbsolutePath());
    }

    /**
     * As {@link #resolve(String, Map)} for a caller whose working directory is {@code cwd}: a
     * relative home is taken from there, not from this process's (the daemon runs commands for
     * clients elsewhere).
     */
    public static HarnessHome resolve(String explicit, Map<String, String> env, Path cwd) {
        if (explicit != null && !explicit.isBlank()) {
            return new HarnessHome(cwd.resolve(explicit));
        }
        String fromEnv = env.get(ENV_VAR);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new HarnessHome(cwd.resolve(fromEnv));
        }
        return new HarnessHome(Paths.get(System.getProperty("user.home"), ".harness"));
    }

    public Path dir() {
        return dir;
    }

    /** The SQLite database, mode 0600. */
    public Path database() {
        return dir.resolve("harness.db");
    }

    /** The daemon's control socket, mode 0600. */
    public Path socket() {
        return dir.resolve("harness.sock");
    }

    /** Held (flock) by the running daemon; holds its pid. */
    public Path daemonLock() {
        return dir.resolve("daemon.lock");
    }

    /** {@code config}: the user's settings, {@code key = value} lines (see {@link HomeConfig}). */
    public Path config() {
        return dir.resolve("config");
    }

    /** Where a daemon started in the background writes its log. */
    public Path daemonLog() {
        return dir.resolve("daemon.log");
    }

    /**
     * For commands that only read: a home that does not exist is an error, not something to create.
     *
     * @throws NoHomeException "no harness home at /path"
     */
    public HarnessHome requireExisting() {
        // An unsafe path is the thing to fix first: reporting it missing would send the user to a
        // start that is refused anyway (and a symlink to a directory is "a directory" here).
        HomePath.check(dir);
        if (!Files.isDirectory(dir)) {
            throw new NoHomeException("no harness home at " + dir + " (nothing has run with it; check --home or "
                    + ENV_VAR + ")");
        }
        return this;
    }

    /** Whether files can be created in the home: false on a read-only file system. */
    public boolean isWritable() {
        return Files.isWritable(dir);
    }

    /**
     * Creates the home with mode 0700 if it is missing, tightens it to 0700 if it is ours, and
     * refuses it if another user owns it.
     *
     * @return this
     */
    public HarnessHome ensureExists() {
        HomePath.check(dir);
        try {
            if (!Files.isDirectory(dir)) {
                if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    throw new HarnessException("harness home " + dir + " exists but is not a directory");
                }
                Files.createDirectories(dir.getParent());
                try {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
                } catch (FileAlreadyExistsException raced) {
                    // Another harness process created it first; the checks below still apply.
                }
            }
            String owner = Files.getOwner(dir).getName();
            String me = System.getProperty("user.name");
            if (!owner.equals(me)) {
                throw new HarnessException("harness home " + dir + " is owned by " + owner + ", not " + me
                        + "; use a home of your own (--home or HARNESS_HOME)");
            }
            if (!Files.getPosixFilePermissions(dir).equals(OWNER_ONLY_DIR)) {
                Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
            }
            identity = HomePath.identity(dir);
            if (!Files.isWritable(dir)) {
                throw new HarnessException("harness home " + dir + " is not writable (a read-only file system?); "
                        + "ps, show, tail, wait, runs and stats can still read it");
            }
            return this;
        } catch (IOException e) {
            throw new HarnessException("cannot use harness home " + dir + ": " + describe(e), e);
        }
    }

    /**
     * After the home's files (database, socket, lock) are open: the home is still the directory that
     * {@link #ensureExists} checked, and still safe. Refuses it otherwise.
     */
    public void recheck() {
        HomePath.recheck(dir, identity);
    }

    private static String describe(IOException e) {
        String kind = e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase();
        return e.getMessage() == null ? kind : kind + " (" + e.getMessage() + ")";
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
