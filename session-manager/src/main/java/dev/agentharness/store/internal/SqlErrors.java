package dev.agentharness.store.internal;

import dev.agentharness.core.error.DatabaseBusyException;
import dev.agentharness.core.error.DiskFullException;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.core.error.IncompatibleDatabaseException;
import dev.agentharness.core.error.StoreException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sqlite.SQLiteException;

/**
 * Turns {@link SQLException}s into the one-line {@link HarnessException}s a user may see. No store
 * method lets a raw SQLException escape: callers (the supervisor, the CLI) map exception types to
 * exit codes and print messages as they are, so the message must say what happened in words.
 */
public final class SqlErrors {
    // Primary result codes (the low byte of SQLite's extended codes).
    static final int SQLITE_PERM = 3;
    static final int SQLITE_BUSY = 5;
    static final int SQLITE_LOCKED = 6;
    static final int SQLITE_NOMEM = 7;
    static final int SQLITE_READONLY = 8;
    static final int SQLITE_IOERR = 10;
    static final int SQLITE_CORRUPT = 11;
    static final int SQLITE_FULL = 13;
    static final int SQLITE_CANTOPEN = 14;
    static final int SQLITE_CONSTRAINT = 19;
    static final int SQLITE_NOTADB = 26;

    private static final Pattern CODE_IN_MESSAGE = Pattern.compile("\\[SQLITE_([A-Z]+)");

    private final Path file;
    private final Duration busyTimeout;

    public SqlErrors(Path file, Duration busyTimeout) {
        this.file = file;
        this.busyTimeout = busyTimeout;
    }

    /** The primary SQLite result code of {@code e}, or -1 when it carries none. */
    public static int primaryCode(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException s && s.getResultCode() != null) {
                return s.getResultCode().code & 0xFF;
            }
        }
        // Batch failures and a few driver paths only carry the code in the message text.
        Matcher m = CODE_IN_MESSAGE.matcher(String.valueOf(e.getMessage()));
        if (m.find()) {
            return switch (m.group(1)) {
                case "PERM" -> SQLITE_PERM;
                case "BUSY" -> SQLITE_BUSY;
                case "LOCKED" -> SQLITE_LOCKED;
                case "NOMEM" -> SQLITE_NOMEM;
                case "READONLY" -> SQLITE_READONLY;
                case "IOERR" -> SQLITE_IOERR;
                case "CORRUPT" -> SQLITE_CORRUPT;
                case "FULL" -> SQLITE_FULL;
                case "CANTOPEN" -> SQLITE_CANTOPEN;
                case "CONSTRAINT" -> SQLITE_CONSTRAINT;
                case "NOTADB" -> SQLITE_NOTADB;
                default -> -1;
            };
        }
        return e.getErrorCode() > 0 ? e.getErrorCode() & 0xFF : -1;
    }

    public static boolean isConstraint(SQLException e) {
        return primaryCode(e) == SQLITE_CONSTRAINT;
    }

    /** SQLite's own explanation, without the driver's "[SQLITE_X] ..." prefix, on one line. */
    public static String detail(SQLException e) {
        String m = String.valueOf(e.getMessage());
        int open = m.lastIndexOf('(');
        if (m.startsWith("[SQLITE_") && open >= 0 && m.endsWith(")")) {
            m = m.substring(open + 1, m.length() - 1);
        }
        return oneLine(m);
    }

    static String oneLine(String text) {
        String s = text == null ? "" : text.strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl).strip();
    }

    public HarnessException translate(SQLException e) {
        return switch (primaryCode(e)) {
            case SQLITE_BUSY, SQLITE_LOCKED -> new DatabaseBusyException(
                    "the database is locked by another process; waited " + seconds(busyTimeout) + " — try again", e);
            case SQLITE_FULL -> new DiskFullException("cannot write the database " + file + ": disk full", e);
            case SQLITE_READONLY -> new StoreException("cannot write the database " + file
                    + ": it is read-only (check the permissions of the file and of its directory)", e);
            case SQLITE_IOERR -> new StoreException("cannot read or write the database " + file + ": I/O error ("
                    + detail(e) + ")", e);
            case SQLITE_PERM -> new StoreException("cannot use the database " + file + ": permission denied", e);
            case SQLITE_CANTOPEN -> new StoreException("cannot open the database " + file
                    + " (check that its directory exists and is writable)", e);
            case SQLITE_CORRUPT -> new StoreException("the database " + file
                    + " is corrupt; move it aside (harness will create a new one) or restore a backup", e);
            case SQLITE_NOTADB -> new IncompatibleDatabaseException(file + " is not an SQLite database; move it aside or use another --home");
            case SQLITE_NOMEM -> new StoreException("the database ran out of memory", e);
            default -> new StoreException("database error on " + file + ": " + detail(e), e);
        };
    }

    /** "5 s", "0.2 s": how the busy timeout reads in a message. */
    static String seconds(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 == 0) {
            return ms / 1000 + " s";
        }
        return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
