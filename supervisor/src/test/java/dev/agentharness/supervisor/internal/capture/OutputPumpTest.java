package dev.agentharness.supervisor.internal.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.UlidGenerator;
import dev.agentharness.store.SqliteStores;
import dev.agentharness.supervisor.SupervisorConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputPumpTest {
    @TempDir
    Path dir;

    @Test
    void theStderrHeadIsTheStartOfStderrInWholeCharacters() {
        Clock clock = Clock.systemUTC();
        try (SqliteStores stores = SqliteStores.open(dir.resolve("harness.db"), clock, new UlidGenerator(clock), 3);
             BatchWriter writer = new BatchWriter(stores.outputs(), SupervisorConfig.defaults())) {
            String id = stores.sessions().claimSlot(SessionSpec.of(List.of("agent"), dir.toString())).id();
            OutputPump pump = new OutputPump(id, writer, new ByteBudget(1 << 30, new BackpressureGauge()), new OutputTail(64), clock);
            String first = "x" + "é".repeat(700); // 1 + 1400 bytes: the head's 1024 bytes end inside an é
            pump.onBytes(StreamType.STDOUT, ByteBuffer.wrap("not stderr\n".getBytes(StandardCharsets.UTF_8)));
            pump.onBytes(StreamType.STDERR, ByteBuffer.wrap(first.getBytes(StandardCharsets.UTF_8)));
            pump.onBytes(StreamType.STDERR, ByteBuffer.wrap("later".getBytes(StandardCharsets.UTF_8)));

            String head = pump.stderrHead();
            assertTrue(first.startsWith(head), head);
            assertEquals(1 + 511, head.length(), "x and 511 whole é: 1023 bytes, the 512th é was cut");
        }
    }
}
