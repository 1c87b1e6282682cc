package dev.agentharness.cli.control;

/** A control request that does not follow the protocol; answered with {@link ErrorCode#BAD_REQUEST}. */
public class BadRequestException extends RuntimeException {
    public BadRequestException(String message) {
        super(message);
    }
}
