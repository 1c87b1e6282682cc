import com.zaxxer.nuprocess.NuProcess;
import com.zaxxer.nuprocess.NuProcessBuilder;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.StreamType;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.store.SqliteStores;
import dev.agentharness.supervisor.SupervisorConfig;
import dev.agentharness.supervisor.internal.capture.BackpressureGauge;
import dev.agentharness.supervisor.internal.capture.BatchWriter;
import dev.agentharness.supervisor.internal.capture.ByteBudget;
import dev.agentharness.supervisor.internal.capture.NuProcessBridge;
import dev.agentharness.supervisor.internal.capture.OutputPump;
import dev.agentharness.supervisor.internal.capture.OutputTail;
import dev.agentharness.supervisor.internal.capture.ProcessEvents;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The daemon's capture path rebuilt in one process from the supervisor's own classes (NuProcess or a
 * plain reader, {@code NuProcessBridge}, {@code OutputPump}, {@code ByteBudget}, {@code BatchWriter},
 * {@code SqliteStores}), with its tunables exposed, so that a benchmark can show which of them limits
 * throughput without changing the product. One Gen of TOTAL bytes per variant, into a fresh store;
 * time from spawn until the writer has committed everything. Prints one line of JSON per variant.
 *
 * <p>A variant is {@code SOURCE:WINDOW_MS:BATCH_KIB:BUFFER_KIB}, SOURCE being {@code nuprocess} (as the
 * daemon) or {@code readN} (a plain thread reading the pipe N KiB at a time).
 *
 * <p>Usage: {@code java -cp harness.jar:. PipelineProbe DIR CLASSES TOTAL VARIANT...}
 */
public final class PipelineProbe {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String classes = args[1];
        long total = Long.parseLong(args[2]);
        // As the daemon does before its first spawn (an explicit -D wins).
        dev.agentharness.supervisor.internal.process.NuProcessSettings.applyDefaults();
        for (int i = 3; i < args.length; i++) {
            String[] v = args[i].split(":");
            String source = v[0];
            SupervisorConfig d = SupervisorConfig.defaults();
            SupervisorConfig config = new SupervisorConfig(d.stopGrace(), d.stallTimeout(), d.escalationStop(), d.checkpointQuiet(),
                    d.checkpointPatterns(), Duration.ofMillis(Long.parseLong(v[1])), Integer.parseInt(v[2]) << 10,
                    Integer.parseInt(v[3]) << 10, d.orphanGrace(), d.restartBackoffInitial(), d.restartBackoffMax(), d.restartResetAfter());
            clean(dir);
            try (SqliteStores stores = SqliteStores.open(HarnessHome.at(dir), Clock.systemUTC())) {
                String id = stores.sessions().claimSlot(SessionSpec.of(List.of("probe"), "/")).id();
                stores.sessions().update(id, s -> s.toBuilder().status(SessionStatus.RUNNING).startedAt(Instant.now()).build());
                BatchWriter writer = new BatchWriter(stores.outputs(), config);
                writer.start();
                BackpressureGauge gauge = new BackpressureGauge();
                OutputPump pump = new OutputPump(id, writer, new ByteBudget(config.sessionBufferBytes(), gauge), new OutputTail(4096),
                        Clock.systemUTC());
                List<String> argv = List.of("java", "-cp", classes, "Gen", Long.toString(total));
                long t0 = System.nanoTime();
                long c0 = processCpuNanos();
                if (source.equals("nuprocess")) {
                    CountDownLatch done = new CountDownLatch(1);
                    NuProcessBuilder b = new NuProcessBuilder(argv);
                    b.setProcessListener(new NuProcessBridge("probe", pump, new ProcessEvents() {
                        @Override
                        public void pipeClosed(int pid) {
                        }

                        @Override
                        public void reaped(int code) {
                            done.countDown();
                        }
                    }));
                    NuProcess p = b.start();
                    if (!done.await(10, TimeUnit.MINUTES)) {
                        p.destroy(true);
                        throw new IllegalStateException("timed out");
                    }
                } else {
                    int size = Integer.parseInt(source.substring(4)) << 10;
                    Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                    byte[] buf = new byte[size];
                    try (InputStream in = p.getInputStream()) {
                        int n;
                        while ((n = in.read(buf)) > 0) {
                            pump.onBytes(StreamType.STDOUT, ByteBuffer.wrap(buf, 0, n));
                        }
                    }
                    pump.onEnd(StreamType.STDOUT);
                    pump.onEnd(StreamType.STDERR);
                    p.waitFor();
                }
                writer.flush().get(10, TimeUnit.MINUTES);
                double s = (System.nanoTime() - t0) / 1e9;
                double cpu = (processCpuNanos() - c0) / 1e9; // this JVM only: reader, writer, JIT, GC; not the agent
                BatchWriter.Stats st = writer.stats();
                writer.close();
                long stored = stores.outputs().size(id).bytes();
                System.out.printf("{\"variant\":\"%s\",\"bytes\":%d,\"stored\":%d,\"seconds\":%.4f,\"mbps\":%.2f,"
                                + "\"cpuSeconds\":%.4f,\"cpuSecondsPerGiB\":%.4f,\"batches\":%d,\"chunks\":%d,\"backpressureWaits\":%d}%n",
                        args[i], total, stored, s, total / 1e6 / s, cpu, cpu / (total / 1073741824.0), st.batches(), st.chunks(),
                        gauge.waitsStarted());
            }
        }
        clean(dir);
        System.exit(0);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void clean(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private PipelineProbe() {
    }
}
