package dev.agentharness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.SessionTransitions;
import dev.agentharness.core.error.IllegalTransitionException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/** Every pair of statuses, through {@code update}: allowed exactly when {@link SessionTransitions} says so. */
class StatusTransitionTest {
    @TempDir
    static Path dir;

    private static final MutableClock clock = new MutableClock(TestStores.T0);
    private static SqliteStores stores;

    @BeforeAll
    static void open() {
        stores = TestStores.open(dir, clock);
    }

    @AfterAll
    static void close() {
        stores.close();
    }

    static Stream<Arguments> pairs() {
        List<Arguments> all = new ArrayList<>();
        for (SessionStatus from : SessionStatus.values()) {
            for (SessionStatus to : SessionStatus.values()) {
                if (from != to) {
                    all.add(Arguments.of(from, to));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void updateAllowsExactlyTheTransitionsOfTheTable(SessionStatus from, SessionStatus to) {
        Session s = TestStores.claimAs(stores, TestStores.spec(), from, clock);
        try {
            if (SessionTransitions.isAllowed(from, to)) {
                assertEquals(to, stores.sessions().update(s.id(), x -> x.toBuilder().status(to).build()).status());
                assertEquals(to, stores.sessions().get(s.id()).orElseThrow().status());
            } else {
                assertThrows(IllegalTransitionException.class,
                        () -> stores.sessions().update(s.id(), x -> x.toBuilder().status(to).build()));
                assertEquals(from, stores.sessions().get(s.id()).orElseThrow().status());
            }
        } finally {
            stores.sessions().delete(s.id());
        }
    }
}
