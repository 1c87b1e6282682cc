package dev.agentharness.core.error;

/** A request that is not well-formed: malformed JSON, an unknown op, a missing or mistyped field. */
public class BadRequestException extends HarnessException {
    public BadRequestException(String message) {
        super(ErrorKind.BAD_REQUEST, message);
    }
}
