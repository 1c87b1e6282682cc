package dev.agentharness.core.error;

/** Another process held the database's write lock for longer than the busy timeout. */
public class DatabaseBusyException extends StoreException {
    public DatabaseBusyException(String message, Throwable cause) {
        super(message, cause);
    }
}
