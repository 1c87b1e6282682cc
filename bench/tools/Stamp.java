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

    private static double pct(double[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }
}
