package dev.agentharness.supervisor.testing;

import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.supervisor.Supervisor;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A harness in a JVM of its own, for tests that need JVM-wide settings (NuProcess's are read once
 * per JVM): opens the home given as args[0], runs the rest of the arguments as a session, and
 * prints "ENDED status bytes" once the session has reached its terminal status.
 */
public final class QuickSessionMain {
    public static void main(String[] args) throws Exception {
        Path dir = Paths.get(args[0]);
        TestHarness harness = TestHarness.started(dir); // closed by the JVM's end
        Supervisor supervisor = harness.supervisor;
        Session s = supervisor.startSession(SessionSpec.of(List.of(args).subList(1, args.length), dir.toString()));
        Session ended = supervisor.whenEnded(s.id()).get(5, TimeUnit.MINUTES);
        System.out.println("ENDED " + ended.status().wireName() + " " + harness.stores.outputs().size(s.id()).bytes());
        System.out.flush();
        Runtime.getRuntime().halt(0); // not waiting for NuProcess to reap: that is what the test is about
    }
}
