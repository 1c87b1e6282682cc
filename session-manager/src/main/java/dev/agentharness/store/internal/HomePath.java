package dev.agentharness.store.internal;

import dev.agentharness.core.error.HarnessException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Whether a home's path can be trusted: nobody but its user (and root) may be able to change what
 * it leads to. Checked before the home is used, and again after its files are opened.
 *
 * <p>Why: on a machine without {@code fs.protected_symlinks}, another user pointed
 * {@code /tmp/x/home} at a root-owned directory, and root's {@code harness ps} chmodded that directory
 * and created a database in it; flipping the link every 2 ms sent an agent's environment to the other
 * user's socket in 9 of 20 runs. So a home that is a symbolic link is refused, and so is one below a
 * directory that someone else could change: owned by another user (root aside), or writable by group
 * or others without the sticky bit (a sticky {@code /tmp} is fine: there only the owner of an entry
 * may rename or remove it). The parent is checked through its real path, so symbolic links above the
 * home (such as {@code /var/run -> /run}) are followed, and what they lead to is checked.
 */
public final class HomePath {
    private static final int S_ISVTX = 01000;
    private static final int GROUP_OR_OTHER_WRITE = 0022;

    private HomePath() {
    }

    /** Refuses {@code dir} (absolute and normalized) unless only its user or root can change what it leads to. */
    public static void check(Path dir) {
        try {
            if (Files.isSymbolicLink(dir)) {
                throw new HarnessException("harness home " + dir + " is a symbolic link (to " + Files.readSymbolicLink(dir)
                        + "); give the directory itself (--home or HARNESS_HOME)");
            }
            Path parent = dir.getParent();
            if (parent == null) {
                return;
            }
            Path existing = parent;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent(); // the rest is created by us, with our umask
            }
            if (existing == null) {
                return;
            }
            int me = uid(Path.of("/proc/self"));
            for (Path p = existing.toRealPath(); p != null; p = p.getParent()) {
                int owner = uid(p);
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                if (owner != 0 && owner != me) {
                    throw new HarnessException("harness home " + dir + " is below " + p + ", which belongs to another user ("
                            + Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName() + "); use a home of your own (--home or HARNESS_HOME)");
                }
                if ((mode & GROUP_OR_OTHER_WRITE) != 0 && (mode & S_ISVTX) == 0) {
                    throw new HarnessException("harness home " + dir + " is below " + p + ", which others may write to (mode "
                            + Integer.toOctalString(mode & 07777) + ", no sticky bit); use a home of your own (--home or HARNESS_HOME)");
                }
            }
        } catch (IOException e) {
            throw new HarnessException("cannot check harness home " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The directory's identity (device and inode), without following a link, for {@link #recheck}. */
    public static Object identity(Path dir) {
        try {
            return Files.readAttributes(dir, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            throw new HarnessException("cannot check harness home " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * After the home's files were opened: the path still leads to the directory that was checked
     * (not a link, same device and inode, still ours alone). Closes the window between check and use.
     */
    public static void recheck(Path dir, Object checkedIdentity) {
        check(dir);
        if (checkedIdentity != null && !checkedIdentity.equals(identity(dir))) {
            throw new HarnessException("harness home " + dir + " was replaced while it was being opened; refusing to use it");
        }
    }

    private static int uid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }
}
