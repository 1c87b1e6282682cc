package dev.agentharness.supervisor.internal.capture;

/**
 * Orders the output transactions of several writer processes sharing one database (the keepers).
 *
 * <p>SQLite lets one connection write at a time; one that finds the database locked sleeps in its
 * busy handler (1, 2, 5 ... then 100 ms per try) and is not woken when the lock is released. With
 * three keepers flooding, each spent most of a capture asleep there while the lock was free. A turn
 * taken first, from a lock the kernel hands over the moment it is released, removes that waiting.
 * A single writer (the daemon without keepers) needs none: {@link #NONE}.
 */
public interface WriteTurns {
    /** Blocks until it is this writer's turn; closing the turn ends it. */
    Turn take();

    interface Turn extends AutoCloseable {
        @Override
        void close();
    }

    WriteTurns NONE = () -> () -> { };
}
