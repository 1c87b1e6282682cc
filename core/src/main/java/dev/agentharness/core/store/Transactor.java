package dev.agentharness.core.store;

import java.util.function.Supplier;

/**
 * Runs work in one write transaction of the store. Calls nest: an inner call joins the outer
 * transaction, so a status change and its event, written by two stores, commit together or not at
 * all.
 */
public interface Transactor {
    <T> T inTransaction(Supplier<T> work);

    default void inTransaction(Runnable work) {
        inTransaction(() -> {
            work.run();
            return null;
        });
    }
}
