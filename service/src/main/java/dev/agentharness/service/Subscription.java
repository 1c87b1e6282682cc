package dev.agentharness.service;

/** Ends a subscription; idempotent. */
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
