package dev.agentharness.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Issue 16, item 1: a daemon whose thread died lingered half-dead; now it ends. */
class FatalThreadsTest {

    @Test
    void anInternalThreadThatDiesEndsTheDaemon() throws Exception {
        CompletableFuture<Integer> exited = new CompletableFuture<>();
        Thread writer = new Thread(() -> {
            throw new OutOfMemoryError("Java heap space");
        }, "harness-output-writer");
        writer.setUncaughtExceptionHandler(new FatalThreads(exited::complete));
        writer.start();
        assertEquals(FatalThreads.EXIT_STATUS, exited.get(10, TimeUnit.SECONDS));
    }
}
