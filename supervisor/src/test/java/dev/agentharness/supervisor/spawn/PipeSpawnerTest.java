package dev.agentharness.supervisor.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentharness.core.TerminalSize;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipeSpawnerTest extends SpawnerContract {
    @Override
    Spawner spawner() {
        return Spawners.pipes(System.getenv());
    }

    @Override
    LaunchRequest request(List<String> command, Map<String, String> env, Path cwd) {
        return new LaunchRequest(command, env, cwd, null, true);
    }

    @Override
    int streams() {
        return 2;
    }

    @Test
    void stdoutIsNotATerminal() throws Exception {
        assertEquals("notty\n", run("[ -t 1 ] && echo tty || echo notty", Map.of()).text());
    }

    @Test
    void withoutInteractiveStdinIsAtEndOfFileAtOnce() throws Exception {
        Recorder r = new Recorder(2);
        spawner().spawn(new LaunchRequest(List.of("sh", "-c", "cat; echo done"), Map.of(), dir, null, false), r);
        assertEquals(AgentExit.exited(0), r.await());
        assertEquals("done\n", r.text());
    }

    @Test
    void resizeIsRefused() throws Exception {
        Recorder r = new Recorder(2);
        AgentProcess p = spawner().spawn(request(List.of("true"), Map.of(), dir), r);
        assertTrue(assertThrows(UnsupportedOperationException.class, () -> p.resize(new TerminalSize(80, 24))).getMessage().contains("not a terminal session"));
        r.await();
    }
}
