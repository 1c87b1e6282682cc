package dev.agentharness.supervisor.testing;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.UlidGenerator;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.store.SqliteStores;
import dev.agentharness.supervisor.Supervisor;
import dev.agentharness.supervisor.SupervisorModule;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
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
        Clock clock = Clock.systemUTC();
        HarnessHome home = HarnessHome.at(dir);
        SqliteStores stores = SqliteStores.open(home.database(), clock, new UlidGenerator(clock), 3);
        Injector injector = Guice.createInjector(new SupervisorModule(TestHarness.fastConfig()),
                TestHarness.storesModule(home, stores, clock));
        Supervisor supervisor = injector.getInstance(Supervisor.class);
        supervisor.start();
        Session s = supervisor.startSession(SessionSpec.of(List.of(args).subList(1, args.length), dir.toString()));
        Session ended = supervisor.whenEnded(s.id()).get(5, TimeUnit.MINUTES);
        System.out.println("ENDED " + ended.status().wireName() + " " + stores.outputs().size(s.id()).bytes());
        System.out.flush();
        Runtime.getRuntime().halt(0); // not waiting for NuProcess to reap: that is what the test is about
    }
}
