package dev.agentharness.core.error;

/** The daemon serves as many connections as it allows; try again. */
public class BusyException extends HarnessException {
    public BusyException(String message) {
        super(ErrorKind.BUSY, message);
    }
}
