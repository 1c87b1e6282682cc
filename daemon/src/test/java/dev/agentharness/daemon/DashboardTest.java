package dev.agentharness.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.error.HarnessException;
import dev.agentharness.core.error.UsageException;
import dev.agentharness.service.HarnessService;
import dev.agentharness.store.HarnessHome;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashboardTest {
    @TempDir
    Path tmp;

    /** The dashboard only serves it here; no request reaches it. */
    private static HarnessService unused() {
        return (HarnessService) Proxy.newProxyInstance(DashboardTest.class.getClassLoader(), new Class<?>[]{HarnessService.class},
                (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private HarnessHome home() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("home"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        return HarnessHome.at(dir);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void servesOnceAndMovesWhenAskedForAnotherPort() throws Exception {
        HarnessHome home = home();
        try (Dashboard d = new Dashboard(unused(), home, Clock.systemUTC())) {
            String url = d.ensureOn(null);
            assertEquals(url, d.ensureOn(null));
            assertEquals(url, d.ensureOn(0), "0 means any port: the one it has will do");
            URI first = URI.create(url);
            assertEquals("127.0.0.1", first.getHost());
            String token = Files.readString(home.dir().resolve("web.token")).strip();
            assertEquals("token=" + token, first.getQuery());

            int port = freePort();
            URI moved = URI.create(d.ensureOn(port));
            assertEquals(port, moved.getPort());
            assertEquals(first.getQuery(), moved.getQuery(), "the token stays");
            assertThrows(java.io.IOException.class, () -> new Socket("127.0.0.1", first.getPort()).close(),
                    "the old port is closed");
            assertThrows(UsageException.class, () -> d.ensureOn(70000));
        }
    }

    @Test
    void thePortComesFromTheConfigFile() throws Exception {
        HarnessHome home = home();
        assertNull(Dashboard.configuredPort(home));
        int port = freePort();
        Files.writeString(home.config(), "web.port = " + port + "\n");
        assertEquals(port, Dashboard.configuredPort(home));
        try (Dashboard d = new Dashboard(unused(), home, Clock.systemUTC())) {
            assertEquals(port, URI.create(d.ensureOn(null)).getPort());
        }
        Files.writeString(home.config(), "web.port = eighty\n");
        HarnessException e = assertThrows(HarnessException.class, () -> Dashboard.configuredPort(home));
        assertTrue(e.getMessage().contains("invalid web.port 'eighty'") && e.getMessage().contains(home.config().toString()),
                e.getMessage());
    }

    @Test
    void aBusyPortIsAClearError() throws Exception {
        HarnessHome home = home();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             Dashboard d = new Dashboard(unused(), home, Clock.systemUTC())) {
            HarnessException e = assertThrows(HarnessException.class, () -> d.ensureOn(taken.getLocalPort()));
            assertTrue(e.getMessage().startsWith("cannot serve the dashboard on 127.0.0.1:" + taken.getLocalPort()),
                    e.getMessage());
            assertNotEquals(taken.getLocalPort(), URI.create(d.ensureOn(null)).getPort());
        }
    }
}
