import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;

/** Prints the version of the SQLite library inside the harness jar's sqlite-jdbc. */
public final class SqliteVersion {
    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
             ResultSet rs = c.createStatement().executeQuery("SELECT sqlite_version()")) {
            rs.next();
            System.out.println("SQLite " + rs.getString(1) + " (sqlite-jdbc " + c.getMetaData().getDriverVersion() + ")");
        }
    }
}
