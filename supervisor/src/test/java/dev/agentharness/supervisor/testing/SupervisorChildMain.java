package dev.agentharness.supervisor.testing;

import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.supervisor.Supervisor;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * A harness in a JVM of its own, for tests that kill it: opens the stores of the home given as
 * args[0], starts a supervisor and args[1] sessions that write {@link Utf8Stream} slowly and
 * endlessly (seed 2000 + i), plus one that ignores SIGTERM and sleeps, prints
 * "SESSION id pid seed" for each and "READY", then waits to be killed.
 *
 * <p>It also ends, at once, when its standard input reaches end of file: when the test that started
 * it dies without killing it (a build interrupted by hand). Its writers then lose their reader and
 * die of SIGPIPE. Without that, one interrupted build left a harness here capturing two endless
 * writers into a deleted temporary directory until it had filled a 250 GB disk.
 */
public final class SupervisorChildMain {
    public static void main(String[] args) throws Exception {
        Path dir = Paths.get(args[0]);
        int writers = Integer.parseInt(args[1]);
        TestHarness harness = TestHarness.started(dir); // closed by the JVM's end
        Supervisor supervisor = harness.supervisor;
        for (int i = 0; i < writers; i++) {
            long seed = 2000 + i;
            Session s = supervisor.startSession(SessionSpec.of(
                    JavaCommand.of(Utf8WriterMain.class, Long.toString(seed), "-1", "-", "5"), dir.toString()).withName("writer-" + i));
            System.out.println("SESSION " + s.id() + " " + s.pid() + " " + seed);
        }
        Session sleeper = supervisor.startSession(SessionSpec.of(List.of("sh", "-c", "trap '' TERM; sleep 600"), dir.toString())
                .withName("sleeper"));
        System.out.println("SESSION " + sleeper.id() + " " + sleeper.pid() + " -1");
        System.out.println("READY");
        System.out.flush();
        while (System.in.read() != -1) {
            // The test never writes; end of file means it is gone.
        }
        Runtime.getRuntime().halt(3);
    }
}
