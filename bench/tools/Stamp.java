import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads a follower's output on stdin, finds each "TICK n micros" line (whatever prefix a tool adds),
 * and stamps its arrival. Prints one line of JSON: lines seen, duplicates, and the p50, p99 and max
 * latency in milliseconds. Stops after COUNT distinct ticks or at end of input.
 *
 * <p>Usage: {@code follower | java Stamp.java COUNT}
 */
public final class Stamp {
    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        warmUp();
        double[] lat = new double[count];
        Set<Integer> seen = new HashSet<>();
        int n = 0;
        int dups = 0;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII), 1 << 16);
        String line;
        while (n < count && (line = in.readLine()) != null) {
            Instant now = Instant.now();
            int at = line.indexOf("TICK ");
            if (at < 0) {
                continue;
            }
            String[] parts = line.substring(at + 5).trim().split(" ");
            if (parts.length < 2) {
                continue;
            }
            int i = Integer.parseInt(parts[0]);
            if (!seen.add(i)) {
                dups++;
                continue;
            }
            long sent = Long.parseLong(parts[1].trim());
            long arrived = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
            lat[n++] = (arrived - sent) / 1000.0;
        }
        double[] got = Arrays.copyOf(lat, n);
        Arrays.sort(got);
        System.out.printf("{\"lines\":%d,\"duplicates\":%d,\"p50\":%.2f,\"p99\":%.2f,\"max\":%.2f}%n",
                n, dups, pct(got, 50), pct(got, 99), n == 0 ? Double.NaN : got[n - 1]);
        System.out.flush();
        System.exit(0);
    }

    /**
     * Runs the per-line parsing before the first line comes. Cold, this JVM took its time over the
     * first lines, and when they arrived together (an agent's first lines often do) each waited
     * for the one before: a Python reader of the same follower saw the first lines up to 20 ms
     * sooner. The stamp is taken before the parsing, but a line's read waits for the previous parse.
     */
    private static void warmUp() {
        long sink = 0;
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            Instant now = Instant.now();
            String line = "[out] TICK " + i + " " + (now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000);
            int at = line.indexOf("TICK ");
            String[] parts = line.substring(at + 5).trim().split(" ");
            seen.add(Integer.parseInt(parts[0]));
            sink += Long.parseLong(parts[1].trim()) - (now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000);
        }
        if (sink == 42 && seen.isEmpty()) {
            System.err.println(); // never: keeps the loop from being optimised away
        }
    }

    private static double pct(double[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }
}
