package dev.agentharness.service;

import dev.agentharness.core.Session;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The one live bus: committed output and session changes, pushed to whoever subscribed (a
 * {@code tail -f}, a browser, an MCP long poll), instead of each of them polling the database.
 */
public interface LiveUpdates {
    /**
     * Delivers what {@code interest} asks for to {@code listener}, on a thread of the bus, in order
     * per session. Output starts after the interest's cursor: what is already stored is delivered
     * first, then what is committed from then on, with no gap and no double.
     */
    Subscription subscribe(Interest interest, LiveListener listener);

    /**
     * Waits until one of the sessions changes state (status, or waiting for input), or the timeout
     * passes. The sessions are named by reference; an empty list means any session.
     *
     * @return the first session that changed, or empty when the timeout passed
     */
    Optional<Session> awaitChange(List<String> sessions, Duration timeout) throws InterruptedException;
}
