package dev.agentharness.web;

import dev.agentharness.core.error.HarnessException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The secret the dashboard asks of every request: 256 random bits, kept in {@code web.token} in the
 * home, mode 0600. Whoever can read the home can use the dashboard, and nobody else: the server
 * listens on loopback, where any local user (and any web page the user visits, through the browser)
 * could reach it otherwise.
 *
 * <p>The token survives daemon restarts, so a bookmarked URL keeps working; deleting the file makes
 * a new one at the next start. A file that others may read, or that holds no valid token, is
 * replaced: a token that leaked is no secret.
 */
public final class WebToken {
    public static final String FILE_NAME = "web.token";
    /** 32 bytes: twice the 128 bits that make guessing hopeless, for free. */
    static final int BYTES = 32;

    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{" + (BYTES * 2) + "}");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final String value;

    private WebToken(String value) {
        this.value = value;
    }

    /** The token in {@code home}'s {@link #FILE_NAME}, made first when missing, unreadable by others or malformed. */
    public static WebToken loadOrCreate(Path home, SecureRandom random) {
        Path file = home.resolve(FILE_NAME);
        try {
            String existing = readIfSafe(file);
            if (existing != null) {
                return new WebToken(existing);
            }
            byte[] bytes = new byte[BYTES];
            random.nextBytes(bytes);
            String token = HexFormat.of().formatHex(bytes);
            Path tmp = home.resolve(FILE_NAME + ".tmp");
            Files.deleteIfExists(tmp);
            // Created 0600 in one step: never, even for a moment, readable by others.
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.writeString(tmp, token + "\n", StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return new WebToken(token);
        } catch (IOException e) {
            throw new HarnessException("cannot keep the web token in " + file + ": " + e.getMessage(), e);
        }
    }

    private static String readIfSafe(Path file) throws IOException {
        try {
            if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    || !Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                return null;
            }
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return FORMAT.matcher(text).matches() ? text : null;
        } catch (NoSuchFileException e) {
            return null;
        } catch (java.nio.charset.MalformedInputException e) {
            return null;
        }
    }

    /** For tests and for a token handed over by the daemon. */
    public static WebToken of(String value) {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("a web token is " + (BYTES * 2) + " lower-case hex digits");
        }
        return new WebToken(value);
    }

    public String value() {
        return value;
    }

    /** In constant time, so that the time a refusal takes says nothing about how much of a guess was right. */
    public boolean matches(String candidate) {
        if (candidate == null) {
            return false;
        }
        return MessageDigest.isEqual(value.getBytes(StandardCharsets.US_ASCII), candidate.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "WebToken[hidden]";
    }
}
