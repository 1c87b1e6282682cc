package dev.agentharness.supervisor.internal.process;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The few libc calls the supervisor makes itself, through JNA. NuProcess has its own binding but
 * keeps it internal; this one is ours so that the calls are visible and documented in one place.
 *
 * <p>Constants are the Linux values (x86_64 and aarch64 agree on all of them).
 */
public interface LibC extends Library {
    int P_PID = 1;
    int WNOHANG = 0x1;
    int WEXITED = 0x4;
    int WNOWAIT = 0x01000000;

    int EPERM = 1;
    int ESRCH = 3;
    int EINTR = 4;
    int EIO = 5;
    int ECHILD = 10;
    int EAGAIN = 11;

    short POLLIN = 0x1;
    short POLLERR = 0x8;
    short POLLHUP = 0x10;
    short POLLNVAL = 0x20;

    /** {@code kill(2)}; a negative pid addresses a process group. */
    int kill(int pid, int signal) throws LastErrorException;

    /** {@code waitid(2)}; {@code infop} must point at a zeroed 128-byte {@code siginfo_t}. */
    int waitid(int idType, int id, Pointer infop, int options) throws LastErrorException;

    /**
     * {@code poll(2)}; {@code fds} holds {@code nfds} {@code struct pollfd}s of 8 bytes each, in the
     * machine's byte order: {@code int fd, short events, short revents}.
     */
    int poll(byte[] fds, long nfds, int timeoutMillis) throws LastErrorException;

    /** {@code read(2)}. */
    long read(int fd, byte[] buf, long count) throws LastErrorException;

    static LibC load() {
        return Native.load("c", LibC.class);
    }
}
