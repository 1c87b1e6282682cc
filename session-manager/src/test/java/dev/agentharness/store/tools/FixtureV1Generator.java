package dev.agentharness.store.tools;

import dev.agentharness.store.internal.Migrations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;

/**
 * Not a test: wrote {@code src/test/resources/fixtures/harness-v1.db}, a database as the first
 * release (schema version 1) left it, with a few sessions and some output. Kept so the fixture can
 * be rebuilt; V1's SQL never changes, so neither does the fixture.
 *
 * <pre>java -cp ... dev.agentharness.store.tools.FixtureV1Generator src/test/resources/fixtures/harness-v1.db</pre>
 */
public final class FixtureV1Generator {
    public static void main(String[] args) throws Exception {
        Path out = Paths.get(args[0]);
        Files.deleteIfExists(out);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + out); Statement st = c.createStatement()) {
            st.execute("PRAGMA page_size = 4096");
            st.execute("PRAGMA journal_mode = WAL");
            st.execute("BEGIN");
            for (String sql : Migrations.STEPS.get(0).statements()) {
                st.execute(sql);
            }
            st.execute("""
                    INSERT INTO sessions VALUES
                    ('01HV1AAAAAAAAAAAAAAAAAAAAA', 1, 'completed', '/work/api', 'npm test', 1001,
                     '2024-03-01T10:00:00.000Z', '2024-03-01T10:05:00.000Z', '2024-03-01T09:59:59.000Z', '2024-03-01T10:05:00.000Z'),
                    ('01HV1BBBBBBBBBBBBBBBBBBBBB', 2, 'running', '/work/web', 'claude -p "fix the login page"', 2002,
                     '2024-03-01T11:00:00.000Z', NULL, '2024-03-01T11:00:00.000Z', '2024-03-01T11:00:00.000Z'),
                    ('01HV1CCCCCCCCCCCCCCCCCCCCC', 1, 'failed', '/work/api', 'make lint', NULL,
                     NULL, '2024-03-01T12:00:01.000Z', '2024-03-01T12:00:00.000Z', '2024-03-01T12:00:01.000Z')""");
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO session_outputs (session_id, seq, stream, timestamp, data) VALUES (?, ?, ?, ?, ?)")) {
                Object[][] rows = {
                    {"01HV1AAAAAAAAAAAAAAAAAAAAA", 1, "stdout", 1709287201000L, "hello\n"},
                    {"01HV1AAAAAAAAAAAAAAAAAAAAA", 2, "stderr", 1709287202500L, "wärning: ünïcödé\n"},
                    {"01HV1AAAAAAAAAAAAAAAAAAAAA", 3, "stdout", 1709287203000L, "bye 👋"},
                    {"01HV1BBBBBBBBBBBBBBBBBBBBB", 1, "stdout", 1709290801000L, "thinking…\n"},
                };
                for (Object[] r : rows) {
                    ps.setString(1, (String) r[0]);
                    ps.setInt(2, (Integer) r[1]);
                    ps.setString(3, (String) r[2]);
                    ps.setLong(4, (Long) r[3]);
                    ps.setString(5, (String) r[4]);
                    ps.executeUpdate();
                }
            }
            st.execute("PRAGMA user_version = 1");
            st.execute("COMMIT");
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }
}
