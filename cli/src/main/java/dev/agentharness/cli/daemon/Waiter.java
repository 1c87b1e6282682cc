package dev.agentharness.cli.daemon;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Waits for a long operation (a queued start, a stop) on behalf of one connection, noticing when
 * the client gives up so that work done only for it can be withdrawn.
 */
@FunctionalInterface
public interface Waiter {
    /**
     * @param onClientGone run once if the client disconnects before {@code future} completes
     * @throws ClientGoneException after {@code onClientGone} ran
     */
    <T> T await(CompletableFuture<T> future, Runnable onClientGone) throws ClientGoneException, ExecutionException,
            InterruptedException;
}
