package dev.agentharness.core.error;

/** The database failed in a way the user may need to act on (disk full, read-only home...). */
public class StoreException extends HarnessException {
    public StoreException(String message, Throwable cause) {
        super(ErrorKind.STORE, message, cause);
    }

    public StoreException(String message) {
        super(ErrorKind.STORE, message);
    }
}
