package dev.agentharness.core.error;

/** The daemon is shutting down and takes no more requests. */
public class ShuttingDownException extends HarnessException {
    public ShuttingDownException(String message) {
        super(ErrorKind.SHUTTING_DOWN, message);
    }
}
