package dev.agentharness.daemon;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

/**
 * Waits for a long operation (a queued start, a stop) on behalf of one connection, noticing when
 * the client gives up so that work done only for it can be withdrawn.
 */
@FunctionalInterface
public interface Waiter {
    /**
     * @param onClientGone run once if the client disconnects before {@code future} completes
     * @param giveUp       checked while waiting; when it turns true the wait ends
     * @throws ClientGoneException after {@code onClientGone} ran
     * @throws CancellationException when {@code giveUp} turned true
     */
    <T> T await(CompletableFuture<T> future, Runnable onClientGone, BooleanSupplier giveUp)
            throws ClientGoneException, ExecutionException, InterruptedException;

    /**
     * Sends {@code line} to the client before the answer, for a request that asked for progress
     * ({@code "progress":true}): a queued start tells its queue id this way.
     *
     * @throws java.io.IOException when the client is gone
     */
    default void progress(String line) throws java.io.IOException {
    }
}
