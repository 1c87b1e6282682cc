package dev.agentharness.store.internal;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A helper process for {@link WriteTurnsTest}: takes the write turn of a database (as another
 * writer would), says "held", waits for a line on stdin, says "releasing" and releases it.
 */
public final class HoldWriteTurn {
    private HoldWriteTurn() {
    }

    public static void main(String[] args) throws Exception {
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = ch.lock();
            System.out.println("held");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in)).readLine();
            System.out.println("releasing");
            System.out.flush();
            lock.release();
        }
    }
}
