package dev.agentharness.cli;

import dev.agentharness.service.wire.ControlProtocol;
import dev.agentharness.service.wire.LineChannel;
import dev.agentharness.store.HarnessHome;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * The run the launcher records its AppCDS archive from ({@code -XX:ArchiveClassesAtExit}, once per
 * jar): the classes a command loads start much faster from the archive than from the jar. One JVM
 * runs {@code harness ps --all} on a scratch home (the path of the commands that read the store) and
 * then {@code harness start} against a stand-in daemon on that home's socket (the path of the
 * commands that talk to the daemon), so that the archive covers both. The stand-in answers every
 * request with a made-up running session; nothing is spawned.
 *
 * <p>{@code java -cp harness.jar dev.agentharness.cli.CdsTraining SCRATCH_HOME}; exits 0 when both
 * commands succeeded.
 */
public final class CdsTraining {
    /** A running session as the daemon answers a start request (every field of a {@code SessionView}). */
    static final String STARTED = "{\"ok\":true,\"session\":{\"id\":\"01CDSTRAINING0000000000000\",\"name\":null,"
            + "\"slot\":1,\"status\":\"running\",\"pid\":1,\"exitCode\":null,\"reason\":null,\"command\":[\"true\"],"
            + "\"cwd\":\"/\",\"envKeys\":[],\"runId\":null,\"restartOf\":null,\"restartCount\":0,\"requestedSlot\":null,"
            + "\"maxRuntime\":null,\"stallTimeout\":null,\"restartPolicy\":\"no\",\"maxRestarts\":null,"
            + "\"createdAt\":\"2025-01-01T00:00:00Z\",\"startedAt\":\"2025-01-01T00:00:00Z\",\"endedAt\":null,"
            + "\"lastActivityAt\":null,\"stalledSince\":null,\"escalationLevel\":0,\"runtimeMs\":0,\"bytes\":0,"
            + "\"chunks\":0,\"metadata\":{}}}";

    private CdsTraining() {
    }

    public static void main(String[] args) throws IOException {
        System.exit(train(Path.of(args[0]), OutputStream.nullOutputStream(), System.err));
    }

    /**
     * Runs the commands on {@code home} (made if missing; it must not have a daemon), their output on
     * {@code out} and their errors on {@code err}.
     *
     * @return 0 when every command exited 0, else the first other exit code
     */
    static int train(Path home, OutputStream out, PrintStream err) throws IOException {
        String dir = home.toString();
        // ps never creates a home; the store it reads is made here, as a first start would.
        dev.agentharness.store.SqliteStores.open(dev.agentharness.store.HarnessHome.at(home), java.time.Clock.systemUTC()).close();
        int ps = run(out, err, "--home", dir, "ps", "--all");
        if (ps != 0) {
            return ps;
        }
        Path socket = HarnessHome.resolve(dir, Map.of()).socket();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread daemon = new Thread(() -> answer(server), "harness-cds-daemon");
            daemon.setDaemon(true);
            daemon.start();
            return run(out, err, "--home", dir, "start", "--", "true");
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    private static int run(OutputStream out, PrintStream err, String... args) {
        CliEnvironment env = new CliEnvironment(System.getenv(), Path.of("").toAbsolutePath(), System.in, out, err,
                Clock.systemUTC());
        return new HarnessCli(env).run(args);
    }

    /** Answers every request on every connection as if it had started a session, until the server closes. */
    private static void answer(ServerSocketChannel server) {
        while (true) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            try (LineChannel lines = new LineChannel(channel, ControlProtocol.MAX_LINE_BYTES)) {
                while (lines.readLine() != null) {
                    lines.writeLine(STARTED);
                }
            } catch (IOException e) {
                // The command went away; the next one connects anew.
            }
        }
    }
}
