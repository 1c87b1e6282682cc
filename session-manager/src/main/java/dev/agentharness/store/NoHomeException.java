package dev.agentharness.store;

import dev.agentharness.core.error.HarnessException;

/** A command that only reads was pointed at a home that does not exist. */
public final class NoHomeException extends HarnessException {
    public NoHomeException(String message) {
        super(message);
    }
}
