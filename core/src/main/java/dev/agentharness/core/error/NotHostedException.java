package dev.agentharness.core.error;

/** The daemon does not run this command line for the native client; see {@link ErrorKind#NOT_HOSTED}. */
public class NotHostedException extends HarnessException {
    public NotHostedException(String message) {
        super(ErrorKind.NOT_HOSTED, message);
    }
}
