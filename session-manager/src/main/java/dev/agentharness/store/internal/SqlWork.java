package dev.agentharness.store.internal;

import java.sql.SQLException;

/** Work against the connection that may throw {@link SQLException}; {@link SqliteDatabase} translates it. */
@FunctionalInterface
public interface SqlWork<T> {
    T run() throws SQLException;
}
