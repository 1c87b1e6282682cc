package dev.agentharness.core.error;

/**
 * The file system holding the database is full. Unlike most store failures it goes away by itself
 * once someone makes room, so whoever can wait (the output writer) waits instead of giving up.
 */
public class DiskFullException extends StoreException {
    public DiskFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
