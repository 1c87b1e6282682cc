import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording's method samples between two instants: for each thread (digits in its
 * name folded, so pools count as one) the number of samples running Java code
 * (jdk.ExecutionSample) and in native code (jdk.NativeMethodSample, which includes threads blocked
 * in a system call), and the methods on top of the stack. Prints TSV:
 * {@code kind  thread  method  samples}, where kind is {@code java} or {@code native}, and method
 * {@code *} is the thread's total. Only the TOP most frequent methods per thread and kind.
 *
 * <p>Usage: {@code java JfrTop FILE FROM_EPOCH_MS TO_EPOCH_MS [TOP=12]}
 */
public final class JfrTop {
    public static void main(String[] args) throws Exception {
        Instant from = Instant.ofEpochMilli(Long.parseLong(args[1]));
        Instant to = Instant.ofEpochMilli(Long.parseLong(args[2]));
        int top = args.length > 3 ? Integer.parseInt(args[3]) : 12;
        Map<String, Map<String, Integer>> counts = new HashMap<>();
        try (RecordingFile file = new RecordingFile(Path.of(args[0]))) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                String type = e.getEventType().getName();
                String kind = switch (type) {
                    case "jdk.ExecutionSample" -> "java";
                    case "jdk.NativeMethodSample" -> "native";
                    default -> null;
                };
                if (kind == null || e.getStartTime().isBefore(from) || e.getStartTime().isAfter(to)) {
                    continue;
                }
                RecordedThread t = e.getThread("sampledThread");
                String thread = t == null ? "?" : (t.getJavaName() != null ? t.getJavaName() : t.getOSName());
                thread = thread == null ? "?" : thread.replaceAll("[0-9]+", "N");
                RecordedStackTrace st = e.getStackTrace();
                String method = "?";
                if (st != null && !st.getFrames().isEmpty()) {
                    method = name(st.getFrames().get(0));
                    String caller = productCaller(st.getFrames());
                    if (caller != null && !caller.equals(method)) {
                        method += "  <- " + caller;
                    }
                }
                String key = kind + "\t" + thread;
                Map<String, Integer> m = counts.computeIfAbsent(key, k -> new HashMap<>());
                m.merge(method, 1, Integer::sum);
                m.merge("*", 1, Integer::sum);
            }
        }
        counts.entrySet().stream()
                .sorted((a, b) -> b.getValue().get("*") - a.getValue().get("*"))
                .forEach(e -> e.getValue().entrySet().stream()
                        .sorted((a, b) -> a.getKey().equals("*") ? -1 : b.getKey().equals("*") ? 1 : b.getValue() - a.getValue())
                        .limit(top + 1)
                        .forEach(m -> System.out.println(e.getKey() + "\t" + m.getKey() + "\t" + m.getValue())));
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName().replaceAll("^.*\\.", "") + "." + f.getMethod().getName();
    }

    /** The innermost frame of the product (dev.agentharness), to say on whose behalf a library method ran. */
    private static String productCaller(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            if (f.getMethod().getType().getName().startsWith("dev.agentharness.")) {
                return name(f);
            }
        }
        return null;
    }

    private JfrTop() {
    }
}
