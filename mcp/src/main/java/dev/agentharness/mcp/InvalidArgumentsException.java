package dev.agentharness.mcp;

import dev.agentharness.core.error.ErrorKind;
import dev.agentharness.core.error.HarnessException;

/**
 * A tool's arguments are wrong: a missing or mistyped field, a value out of range, two ways of saying
 * the same thing at once. {@link ErrorKind#BAD_REQUEST}, so the client gets JSON-RPC -32602 and can
 * fix its call.
 */
public final class InvalidArgumentsException extends HarnessException {
    public InvalidArgumentsException(String message) {
        super(ErrorKind.BAD_REQUEST, message);
    }
}
