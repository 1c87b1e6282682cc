package dev.agentharness.supervisor.internal.keeper;

import dev.agentharness.supervisor.internal.process.ExitStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;
import java.util.Properties;

/**
 * How the agent ended, as the keeper made it durable: written to a temporary file, fsynced, renamed
 * into place and the directory fsynced, so that after a crash of anything (daemon, keeper, machine)
 * the record is either whole or absent. It is the keeper's last word; a daemon deletes it once the
 * session's terminal status is stored.
 *
 * @param status      the exit; null when the agent never ran ({@code spawnError} says why)
 * @param stderrHead  the first KiB the agent wrote to stderr (to classify launch failures)
 * @param spawnError  why the agent could not be spawned; null when it was
 */
public record ExitRecord(ExitStatus status, String stderrHead, String spawnError) {

    public void writeDurably(Path file) throws IOException {
        Properties p = new Properties();
        if (status != null) {
            if (status.code() != null) {
                p.setProperty("code", status.code().toString());
            }
            if (status.signal() != null) {
                p.setProperty("signal", status.signal().toString());
            }
            p.setProperty("exact", Boolean.toString(status.exact()));
        }
        p.setProperty("stderrHead", b64(stderrHead));
        if (spawnError != null) {
            p.setProperty("spawnError", b64(spawnError));
        }
        java.io.StringWriter text = new java.io.StringWriter();
        p.store(text, null);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ch.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.ISO_8859_1)));
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException notSupported) {
            // some file systems refuse to open a directory for sync; the rename is still atomic
        }
    }

    public static Optional<ExitRecord> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (var in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        String spawnError = unb64(p.getProperty("spawnError"));
        ExitStatus status = null;
        if (p.getProperty("exact") != null) {
            status = new ExitStatus(integer(p.getProperty("code")), integer(p.getProperty("signal")),
                    Boolean.parseBoolean(p.getProperty("exact")));
        }
        return Optional.of(new ExitRecord(status, unb64(p.getProperty("stderrHead")), spawnError));
    }

    private static Integer integer(String s) {
        return s == null ? null : Integer.valueOf(s);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString((s == null ? "" : s).getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return s == null ? null : new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }
}
