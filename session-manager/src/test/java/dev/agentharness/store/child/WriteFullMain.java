package dev.agentharness.store.child;

import dev.agentharness.core.PendingChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.UlidGenerator;
import dev.agentharness.store.SqliteStores;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Child JVM, run with a small heap: writes at least {@code megabytes} MB of generated output
 * through appendBatch, then streams it back with writeFull into a hashing writer.
 * Prints HEAP, WROTE chunks, READ bytes sha256, and PEAK_RSS_KB (VmHWM of /proc/self/status).
 */
public final class WriteFullMain {
    public static void main(String[] args) throws Exception {
        long target = Long.parseLong(args[1]) << 20;
        Clock clock = Clock.systemUTC();
        System.out.println("HEAP " + Runtime.getRuntime().maxMemory());
        try (SqliteStores stores = SqliteStores.open(Paths.get(args[0]), clock, new UlidGenerator(clock), 3)) {
            Session s = stores.sessions().claimSlot(SessionSpec.of(List.of("agent"), "/w"));
            long bytes = 0;
            long i = 0;
            while (bytes < target) {
                List<PendingChunk> batch = new ArrayList<>(256);
                for (int k = 0; k < 256 && bytes < target; k++, i++) {
                    String text = OutputGenerator.chunk(i);
                    bytes += text.getBytes(StandardCharsets.UTF_8).length;
                    batch.add(new PendingChunk(s.id(), i % 5 == 0 ? StreamType.STDERR : StreamType.STDOUT, clock.instant(), text));
                }
                stores.outputs().appendBatch(batch);
            }
            System.out.println("WROTE " + i);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long[] count = new long[1];
            OutputStream counting = new OutputStream() {
                @Override
                public void write(int b) {
                    count[0]++;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    count[0] += len;
                }
            };
            try (Writer out = new OutputStreamWriter(new DigestOutputStream(counting, sha), StandardCharsets.UTF_8)) {
                long last = stores.outputs().writeFull(s.id(), null, out);
                System.out.println("LAST " + last);
            }
            System.out.println("READ " + count[0] + " " + HexFormat.of().formatHex(sha.digest()));
        }
        for (String line : java.nio.file.Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                System.out.println("PEAK_RSS_KB " + line.replaceAll("[^0-9]", ""));
            }
        }
    }
}
