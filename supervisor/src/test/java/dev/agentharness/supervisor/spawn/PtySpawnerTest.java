package dev.agentharness.supervisor.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.TerminalSize;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PtySpawnerTest extends SpawnerContract {
    @Override
    Spawner spawner() {
        return Spawners.terminal(System.getenv());
    }

    @Override
    LaunchRequest request(List<String> command, Map<String, String> env, Path cwd) {
        return new LaunchRequest(command, env, cwd, TerminalSize.DEFAULT, true);
    }

    @Override
    int streams() {
        return 1;
    }

    @Test
    void theTerminalIsTheControllingTerminalWithTheDefaultSizeAndTerm() throws Exception {
        Recorder r = run("[ -t 0 ] && [ -t 1 ] && echo tty; stty size; echo $TERM; ps -o tty= -p $$", Map.of());
        String t = r.text();
        assertTrue(t.contains("tty\r\n") && t.contains("40 120\r\n") && t.contains("xterm-256color\r\n") && t.contains("pts/"), t);
    }

    @Test
    void aResizeDeliversSigwinchAndTheNewSize() throws Exception {
        Recorder r = new Recorder(1);
        AgentProcess p = spawner().spawn(request(List.of("sh", "-c",
                "trap 'stty size; exit 0' WINCH; echo ready; while :; do sleep 0.05; done"), Map.of(), dir), r);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!r.text().contains("ready") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        p.resize(new TerminalSize(80, 24));
        assertEquals(AgentExit.exited(0), r.await());
        assertTrue(r.text().contains("24 80"), r.text());
    }

    @Test
    void userTermWins() throws Exception {
        assertTrue(run("echo $TERM", Map.of("TERM", "dumb")).text().contains("dumb"));
    }
}
