package dev.agentharness.supervisor.internal.recovery;

import dev.agentharness.core.error.HarnessException;
import dev.agentharness.store.HarnessHome;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * At most one supervisor per harness home: an exclusive lock on {@code daemon.lock}, which also holds
 * the pid of its owner so that a refusal can say who to stop. The kernel drops the lock when the
 * owner dies, however it dies, so a crash never leaves a stale lock behind; the file itself stays.
 */
@Singleton
public final class SupervisorLock implements AutoCloseable {
    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");

    private final HarnessHome home;
    private FileChannel channel;
    private FileLock lock;

    @Inject
    public SupervisorLock(HarnessHome home) {
        this.home = home;
    }

    /**
     * @throws HarnessException "another harness supervisor (pid 1234) is running on /path; stop it first"
     */
    public synchronized void acquire() {
        if (lock != null) {
            return;
        }
        Path file = home.daemonLock();
        FileChannel ch = null;
        try {
            Files.createDirectories(file.getParent());
            // 0600 like every file in the home; an older harness made it 0644, which tightens here.
            ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
            if (!Files.getPosixFilePermissions(file).equals(OWNER_READ_WRITE)) {
                Files.setPosixFilePermissions(file, OWNER_READ_WRITE);
            }
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException sameJvm) {
                l = null;
            }
            if (l == null) {
                String holder = readPid(ch);
                ch.close();
                throw new HarnessException("another harness supervisor (pid " + holder + ") is running on " + home.dir()
                        + "; stop it first");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            ch.force(false);
            channel = ch;
            lock = l;
        } catch (IOException e) {
            closeQuietly(ch);
            throw new HarnessException("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    public synchronized boolean isHeld() {
        return lock != null && lock.isValid();
    }

    /** Releases the lock; the pid in the file is cleared so that nobody is named as holder. */
    @Override
    public synchronized void close() {
        if (lock == null) {
            return;
        }
        try {
            channel.truncate(0);
            lock.release();
        } catch (IOException e) {
            // The lock goes with the channel below anyway.
        }
        closeQuietly(channel);
        lock = null;
        channel = null;
    }

    private static String readPid(FileChannel ch) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(32);
            ch.read(buf, 0);
            String text = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? "unknown" : text;
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing left to do
            }
        }
    }
}
