package dev.agentharness.store.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Collection;
import java.util.stream.Collectors;

/** Small JDBC helpers: binding by value type and reading nullable columns. */
final class Sql {
    private Sql() {
    }

    static PreparedStatement bind(PreparedStatement ps, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            int at = i + 1;
            if (v == null) {
                ps.setNull(at, Types.NULL);
            } else if (v instanceof String s) {
                ps.setString(at, s);
            } else if (v instanceof Integer n) {
                ps.setInt(at, n);
            } else if (v instanceof Long n) {
                ps.setLong(at, n);
            } else if (v instanceof Double d) {
                ps.setDouble(at, d);
            } else if (v instanceof Boolean b) {
                ps.setInt(at, b ? 1 : 0);
            } else {
                throw new IllegalArgumentException("cannot bind " + v.getClass().getName());
            }
        }
        return ps;
    }

    static Integer getInteger(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    static Long getLongOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    /** {@code 'a', 'b', 'c'}: for IN lists of fixed vocabulary (wire names), never user input. */
    static String quotedList(Collection<String> words) {
        return words.stream().map(w -> {
            if (!w.matches("[a-z_-]+")) {
                throw new IllegalArgumentException("not a vocabulary word: " + w);
            }
            return "'" + w + "'";
        }).collect(Collectors.joining(", "));
    }

    /** {@code ?, ?, ?} */
    static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }
}
