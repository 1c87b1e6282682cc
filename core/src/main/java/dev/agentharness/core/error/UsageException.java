package dev.agentharness.core.error;

/** A value the user gave is wrong (an option, a combination, a size): exit code 2, HTTP 400. */
public class UsageException extends HarnessException {
    public UsageException(String message) {
        super(ErrorKind.USAGE, message);
    }
}
