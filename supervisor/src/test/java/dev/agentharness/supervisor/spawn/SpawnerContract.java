package dev.agentharness.supervisor.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.StreamType;
import dev.agentharness.core.error.SpawnException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link Spawner} promises, run against each backend (jdbi style): the same real child
 * processes, the same assertions. A backend's own extras (stderr apart, a terminal) are in its subclass.
 */
abstract class SpawnerContract {
    @TempDir
    Path dir;

    abstract Spawner spawner();

    abstract LaunchRequest request(List<String> command, Map<String, String> env, Path cwd);

    static final class Recorder implements AgentListener {
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        final CompletableFuture<AgentExit> exit = new CompletableFuture<>();
        final CountDownLatch ended;

        Recorder(int streams) {
            ended = new CountDownLatch(streams);
        }

        @Override
        public synchronized void onOutput(StreamType stream, ByteBuffer bytes) {
            byte[] b = new byte[bytes.remaining()];
            bytes.get(b);
            all.write(b, 0, b.length);
        }

        @Override
        public void onEnd(StreamType stream) {
            ended.countDown();
        }

        @Override
        public void onExit(AgentExit e) {
            exit.complete(e);
        }

        synchronized String text() {
            return all.toString(StandardCharsets.UTF_8);
        }

        AgentExit await() throws Exception {
            AgentExit e = exit.get(20, TimeUnit.SECONDS);
            assertTrue(ended.await(20, TimeUnit.SECONDS));
            return e;
        }
    }

    abstract int streams();

    Recorder run(String script, Map<String, String> env) throws Exception {
        Recorder r = new Recorder(streams());
        spawner().spawn(request(List.of("sh", "-c", script), env, dir), r);
        r.await();
        return r;
    }

    @Test
    void exitCodeIsExact() throws Exception {
        Recorder r = new Recorder(streams());
        spawner().spawn(request(List.of("sh", "-c", "exit 3"), Map.of(), dir), r);
        assertEquals(AgentExit.exited(3), r.await());
    }

    @Test
    void signalDeathIsExact() throws Exception {
        Recorder r = new Recorder(streams());
        spawner().spawn(request(List.of("sh", "-c", "kill -KILL $$"), Map.of(), dir), r);
        AgentExit e = r.await();
        // Exact from waitid; a backend that lost the race to its library's reaper may only know 128 + 9.
        assertTrue(e.equals(AgentExit.killed(9)) || (Integer.valueOf(137).equals(e.code()) && !e.exact()), e.toString());
    }

    @Test
    void agentLeadsItsOwnSessionAndGroup() throws Exception {
        Recorder r = run("ps -o pid=,sid=,pgid= -p $$", Map.of());
        String[] f = r.text().trim().split("\\s+");
        assertEquals(f[0], f[1]);
        assertEquals(f[0], f[2]);
    }

    @Test
    void sigpipeHasItsDefaultActionBack() throws Exception {
        Recorder r = run("grep SigIgn /proc/self/status", Map.of());
        long ignored = Long.parseLong(r.text().trim().split("\\s+")[1], 16);
        assertEquals(0, ignored & (1L << 12), "SIGPIPE (13) ignored");
    }

    @Test
    void runsInCwdWithExactlyTheGivenEnvironment() throws Exception {
        Recorder r = run("pwd; echo \"[$FOO]\"; echo \"[${HOME-unset}]\"", Map.of("FOO", "bar baz", "PATH", System.getenv("PATH")));
        assertTrue(r.text().contains(dir.toRealPath().toString()) && r.text().contains("[bar baz]") && r.text().contains("[unset]"), r.text());
    }

    @Test
    void everyByteArrivesInOrder() throws Exception {
        Recorder r = run("i=0; while [ $i -lt 2000 ]; do echo line-$i; i=$((i+1)); done", Map.of());
        String[] lines = r.text().replace("\r", "").split("\n");
        assertEquals(2000, lines.length);
        for (int i = 0; i < 2000; i++) {
            assertEquals("line-" + i, lines[i]);
        }
    }

    @Test
    void stdinReachesTheAgentAndItsEndToo() throws Exception {
        Recorder r = new Recorder(streams());
        AgentProcess p = spawner().spawn(request(List.of("sh", "-c", "read a; echo got-$a; cat >/dev/null; echo eof"), Map.of(), dir), r);
        p.writeStdin("hello\n".getBytes(StandardCharsets.UTF_8));
        Thread.sleep(200);
        p.closeStdin();
        assertEquals(AgentExit.exited(0), r.await());
        assertTrue(r.text().contains("got-hello") && r.text().contains("eof"), r.text());
    }

    @Test
    void aMissingProgramIsOneClearLineOrExit127() throws Exception {
        Recorder r = new Recorder(streams());
        try {
            spawner().spawn(request(List.of("/no/such/program"), Map.of(), dir), r);
        } catch (SpawnException e) {
            assertTrue(!e.getMessage().contains("\n"));
            return;
        }
        assertEquals(127, r.await().code());
    }
}
