package dev.agentharness.core.error;

/**
 * The database file cannot be used and was left untouched: it is not SQLite, or a newer
 * agent-harness wrote it.
 */
public class IncompatibleDatabaseException extends StoreException {
    public IncompatibleDatabaseException(String message) {
        super(message);
    }
}
