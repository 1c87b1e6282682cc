package dev.agentharness.supervisor.spawn.internal;

import com.sun.jna.LastErrorException;
import dev.agentharness.supervisor.internal.process.LibC;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Reads what is left on a terminal's master side once pty4j's stream has ended.
 *
 * <p><b>Why.</b> pty4j's reaper "breaks" the reader when the agent exits (a byte into a pipe that
 * its read polls beside the terminal, never drained). From then on every read returns end of
 * stream unless the terminal is readable at that very poll, so output that the kernel had not yet
 * moved to the master side when the agent exited was dropped: a short-lived agent on a busy machine
 * lost all of it (2 of 1,000 {@code printf} agents under I/O load; PtySpawner's contract test once).
 * pty4j's stream also ends the same way on the terminal's real end (EIO), so the two cannot be told
 * apart there. This reads the master descriptor directly until the real end: EIO, or a hang-up with
 * nothing left. A process that still holds the terminal (a background child of the agent) is read
 * from until it has been quiet for {@link #QUIET}, as the keepers do for pipes held open after the exit.
 */
final class TerminalDrain {
    static final Duration QUIET = Duration.ofMillis(700);
    private static final int POLL_SLICE_MILLIS = 100;

    private final LibC libc;
    private final Duration quiet;

    TerminalDrain(LibC libc) {
        this(libc, QUIET);
    }

    TerminalDrain(LibC libc, Duration quiet) {
        this.libc = libc;
        this.quiet = quiet;
    }

    /** Reads {@code masterFd} into {@code buf} and hands each read to {@code sink}, until the terminal's end. */
    void drain(int masterFd, byte[] buf, Consumer<ByteBuffer> sink) {
        if (masterFd < 0) {
            return;
        }
        ByteBuffer pollfd = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        long quietUntil = System.nanoTime() + quiet.toNanos();
        while (true) {
            long left = (quietUntil - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return; // something still holds the terminal, and has said nothing for a while
            }
            pollfd.clear();
            pollfd.putInt(masterFd).putShort(LibC.POLLIN).putShort((short) 0);
            int ready;
            try {
                ready = libc.poll(pollfd.array(), 1, (int) Math.min(left, POLL_SLICE_MILLIS));
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EINTR) {
                    continue;
                }
                return;
            }
            if (ready <= 0) {
                continue;
            }
            short revents = pollfd.getShort(6);
            if ((revents & LibC.POLLIN) != 0) {
                long n;
                try {
                    n = libc.read(masterFd, buf, buf.length);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == LibC.EINTR || e.getErrorCode() == LibC.EAGAIN) {
                        continue;
                    }
                    return; // EIO: every holder of the slave side has gone and everything was read
                }
                if (n <= 0) {
                    return;
                }
                sink.accept(ByteBuffer.wrap(buf, 0, (int) n));
                quietUntil = System.nanoTime() + quiet.toNanos();
            } else if ((revents & (LibC.POLLHUP | LibC.POLLERR | LibC.POLLNVAL)) != 0) {
                return;
            }
        }
    }
}
