package dev.agentharness.cli.daemon;

import dev.agentharness.core.error.HarnessException;

/** A request the daemon will not carry out because it is shutting down. */
public class ShuttingDownException extends HarnessException {
    public ShuttingDownException(String message) {
        super(message);
    }
}
