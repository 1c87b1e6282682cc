package dev.agentharness.store;

import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.UlidGenerator;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Opening stores on a fresh file, and the specs and sessions tests start from. */
public final class TestStores {
    public static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private TestStores() {
    }

    public static SqliteStores open(Path dir, Clock clock) {
        return SqliteStores.open(dir.resolve("harness.db"), clock, new UlidGenerator(clock), 3);
    }

    public static SqliteStores open(Path dir, Clock clock, Duration busyTimeout) {
        return SqliteStores.open(dir.resolve("harness.db"), clock, new UlidGenerator(clock), 3, busyTimeout);
    }

    public static SessionSpec spec() {
        return SessionSpec.of(List.of("agent", "--task", "fix the build"), "/work/project");
    }

    public static SessionSpec named(String name) {
        return spec().withName(name);
    }

    /** Claims a slot and moves the session to {@code status} along allowed edges. */
    public static Session claimAs(SqliteStores stores, SessionSpec spec, SessionStatus status, Clock clock) {
        Session s = stores.sessions().claimSlot(spec);
        if (status == SessionStatus.STARTING) {
            return s;
        }
        if (status != SessionStatus.RUNNING && !SessionStatus.STARTING.canTransitionTo(status)) {
            s = stores.sessions().update(s.id(), x -> x.toBuilder().status(SessionStatus.RUNNING).startedAt(clock.instant()).build());
        }
        SessionStatus target = status;
        Instant now = clock.instant();
        return stores.sessions().update(s.id(), x -> x.toBuilder().status(target)
                .startedAt(x.startedAt() == null ? now : x.startedAt()).build());
    }
}
