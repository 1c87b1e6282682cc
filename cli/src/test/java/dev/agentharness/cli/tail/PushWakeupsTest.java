package dev.agentharness.cli.tail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.service.wire.LineChannel;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The multi-session follow's wake-ups, against a stand-in daemon on a real Unix socket. */
class PushWakeupsTest {
    @TempDir
    Path dir;

    @Test
    void aPushWakesTheFollowerAndALostDaemonSendsItBackToItsTimer() throws Exception {
        Path socket = dir.resolve("harness.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            PushWakeups wakeups;
            try (LineChannel daemon = acceptInBackground(server, socket)) {
                String request = daemon.readLine();
                assertTrue(request.contains("\"op\":\"subscribe\"") && request.contains("\"output\":true"), request);
                daemon.writeLine("{\"ok\":true,\"subscribed\":true}");
                wakeups = pending.join();
                assertTrue(wakeups.live());
                assertFalse(wakeups.await(50), "nothing pushed yet: the wait runs out");
                daemon.writeLine("{\"ok\":true,\"changed\":\"01ABC\"}");
                assertTrue(wakeups.await(30_000), "woken by the push, not by the 30 s timer");
            }
            // The daemon went away: the next wait ends, and the follower is told to poll again.
            wakeups.await(30_000);
            for (int i = 0; i < 300 && wakeups.live(); i++) {
                Thread.sleep(10);
            }
            assertFalse(wakeups.live());
            wakeups.close();
        }
    }

    @Test
    void withoutADaemonItNeverWakesEarly() throws Exception {
        try (PushWakeups wakeups = PushWakeups.connect(dir.resolve("nobody.sock"))) {
            assertFalse(wakeups.live());
            assertEquals(false, wakeups.await(20));
        }
    }

    private java.util.concurrent.CompletableFuture<PushWakeups> pending;

    /** Connects a PushWakeups in the background (its subscribe waits for our answer) and returns the daemon's side. */
    private LineChannel acceptInBackground(ServerSocketChannel server, Path socket) throws Exception {
        pending = java.util.concurrent.CompletableFuture.supplyAsync(() -> PushWakeups.connect(socket));
        return new LineChannel(server.accept(), 1 << 20);
    }
}
