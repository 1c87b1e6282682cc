package dev.agentharness.supervisor.internal.process;

import com.sun.jna.LastErrorException;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ProcessGroupSignaller} through libc {@code kill(-pgid, sig)}. */
public final class LibcProcessGroupSignaller implements ProcessGroupSignaller {
    private static final Logger LOG = LoggerFactory.getLogger(LibcProcessGroupSignaller.class);

    private final LibC libc;

    @Inject
    public LibcProcessGroupSignaller(LibC libc) {
        this.libc = libc;
    }

    @Override
    public boolean signalGroup(int pgid, Signal signal) {
        if (pgid <= 1) {
            throw new IllegalArgumentException("refusing to signal process group " + pgid);
        }
        try {
            libc.kill(-pgid, signal.number());
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.ESRCH) {
                return false;
            }
            LOG.warn("kill(-{}, {}) failed: errno {}", pgid, signal, e.getErrorCode());
            return false;
        }
    }
}
