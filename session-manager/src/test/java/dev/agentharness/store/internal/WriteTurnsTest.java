package dev.agentharness.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every writer of a database takes turns on {@code write.lock} beside it, with a real second process. */
class WriteTurnsTest {
    @TempDir
    Path dir;

    @Test
    void theDaemonsWritesQueueForTheTurnInsteadOfPollingWhileKeepersHandItOn() throws Exception {
        // Regression (SoakTortureIT, "the database is locked ... waited 5 s"): keepers took turns on
        // this lock among themselves while the daemon polled from SQLite's busy handler, and found
        // the database free only in the microseconds between two keepers' transactions. Now a write
        // of any store waits in the same queue: held by another process, it waits; released, it goes.
        Path db = dir.resolve("harness.db");
        try (SqliteDatabase database = SqliteDatabase.open(db, Duration.ofSeconds(30))) {
            database.write(() -> null); // makes the lock file, as a first write does
            Path lockFile = dir.resolve("write.lock");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lockFile)));

            Process holder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), HoldWriteTurn.class.getName(), lockFile.toString()))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                BufferedReader said = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("held", said.readLine());
                CompletableFuture<Void> write = CompletableFuture.runAsync(() -> database.write(() -> null));
                Thread.sleep(500); // a write that ignored the turn is done in a few milliseconds
                assertFalse(write.isDone(), "the write waits while another process has the turn");
                OutputStream go = holder.getOutputStream();
                go.write('\n');
                go.flush();
                assertEquals("releasing", said.readLine());
                write.get(30, TimeUnit.SECONDS);
            } finally {
                holder.destroyForcibly();
            }
        }
    }

    @Test
    void twoStoresOfOneJvmDoNotWaitForEachOthersTurn() throws Exception {
        // Java allows a file's lock once per JVM (a second one throws); SQLite's own lock orders them.
        Path db = dir.resolve("harness.db");
        try (SqliteDatabase a = SqliteDatabase.open(db, Duration.ofSeconds(30));
             SqliteDatabase b = SqliteDatabase.open(db, Duration.ofSeconds(30))) {
            a.write(() -> null);
            CompletableFuture<Void> inA = new CompletableFuture<>();
            CompletableFuture<Void> release = new CompletableFuture<>();
            CompletableFuture<Void> aDone = CompletableFuture.runAsync(() -> a.inTransaction(() -> {
                inA.complete(null);
                release.join();
                return null;
            }));
            inA.get(30, TimeUnit.SECONDS);
            CompletableFuture<Void> bDone = CompletableFuture.runAsync(() -> b.write(() -> null));
            release.complete(null);
            aDone.get(30, TimeUnit.SECONDS);
            bDone.get(30, TimeUnit.SECONDS);
        }
    }
}
