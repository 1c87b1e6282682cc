import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Times one capture run: starts AGENTS generators of BYTES bytes each under one system and waits,
 * without loading that system, until every byte is where the system keeps it and every agent has
 * ended. Prints one line of JSON with the wall time from just before the start command(s) to that
 * moment.
 *
 * <ul>
 *   <li>{@code harness LAUNCHER HOME AGENTS BYTES CLASSES} runs AGENTS {@code harness start} commands
 *       in parallel and polls the home's SQLite file read-only every 5 ms until every session is in a
 *       terminal status (the daemon writes it only after committing all output).
 *   <li>{@code supervisord CONF AGENTS BYTES OUTDIR} runs {@code supervisorctl start g1..gN}; then
 *       {@code pm2 ECOSYSTEM AGENTS BYTES OUTDIR} runs {@code pm2 start ECOSYSTEM}. Both poll the
 *       log files {@code OUTDIR/gI.out} and /proc every 5 ms: done when every file holds BYTES and no
 *       generator tagged {@code -Dbench.tag=TAG} is alive; a file that stops short (pm2 loses bytes at
 *       exit) counts as done once its agent is gone and it has not grown for 2 s, as of its last growth.
 *   <li>{@code file AGENTS BYTES OUTDIR CLASSES} runs the generators with plain shell redirection.
 * </ul>
 * The tag is the last argument in every mode. The status a peer reports at the end is printed as
 * well (asked once, after timing).
 */
public final class Capture {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long GIVE_UP_NANOS = TimeUnit.MINUTES.toNanos(10);

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        switch (mode) {
            case "harness" -> harness(args[1], Path.of(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]), args[5], args[6]);
            case "supervisord", "pm2" -> peer(mode, args[1], Integer.parseInt(args[2]), Long.parseLong(args[3]), Path.of(args[4]), args[5]);
            case "file" -> file(Integer.parseInt(args[1]), Long.parseLong(args[2]), Path.of(args[3]), args[4], args[5]);
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
        System.exit(0);
    }

    private static void harness(String launcher, Path home, int agents, long bytes, String classes, String tag) throws Exception {
        List<Process> starts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < agents; i++) {
            starts.add(new ProcessBuilder(launcher, "--home", home.toString(), "start", "--",
                    "java", "-Dbench.tag=" + tag, "-cp", classes, "Gen", Long.toString(bytes))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        List<String> ids = new ArrayList<>();
        for (Process p : starts) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0 || out.isEmpty()) {
                throw new IllegalStateException("harness start failed: " + out);
            }
            ids.add(out);
        }
        long startedNanos = System.nanoTime() - t0;
        String url = "jdbc:sqlite:file:" + home.resolve("harness.db") + "?mode=ro";
        String[] status = new String[agents];
        long[] got = new long[agents];
        long t1;
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement q = c.prepareStatement("SELECT status, output_bytes FROM sessions WHERE id = ?")) {
            while (true) {
                boolean done = true;
                for (int i = 0; i < agents; i++) {
                    q.setString(1, ids.get(i));
                    try (ResultSet rs = q.executeQuery()) {
                        rs.next();
                        status[i] = rs.getString(1);
                        got[i] = rs.getLong(2);
                    }
                    done &= isTerminal(status[i]);
                }
                t1 = System.nanoTime();
                if (done) {
                    break;
                }
                if (t1 - t0 > GIVE_UP_NANOS) {
                    throw new IllegalStateException("gave up waiting for " + ids);
                }
                sleepUntil(t1 + POLL_NANOS);
            }
        }
        print("harness", agents, bytes, t1 - t0, startedNanos, got, List.of(status), ids);
    }

    private static boolean isTerminal(String status) {
        return switch (status) {
            case "completed", "failed", "stopped", "timed_out", "crashed" -> true;
            default -> false;
        };
    }

    private static void peer(String mode, String config, int agents, long bytes, Path dir, String tag) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (mode.equals("supervisord")) {
            cmd.addAll(List.of("supervisorctl", "-c", config, "start"));
            for (int i = 1; i <= agents; i++) {
                cmd.add("g" + i);
            }
        } else {
            cmd.addAll(List.of(System.getenv("PM2"), "start", config, "-s"));
        }
        Path[] files = new Path[agents];
        for (int i = 0; i < agents; i++) {
            files[i] = dir.resolve("g" + (i + 1) + ".out");
        }
        long t0 = System.nanoTime();
        Process start = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long[] size = new long[agents];
        long lastGrowth = t0;
        long goneSince = -1;
        long lastScan = t0;
        boolean startDone = false;
        long startedNanos = -1;
        long t1;
        while (true) {
            long now = System.nanoTime();
            if (!startDone && !start.isAlive()) {
                startDone = true;
                startedNanos = now - t0;
                if (start.exitValue() != 0) {
                    throw new IllegalStateException(cmd + " exited " + start.exitValue());
                }
            }
            boolean full = true;
            for (int i = 0; i < agents; i++) {
                long s = Files.exists(files[i]) ? Files.size(files[i]) : 0;
                if (s != size[i]) {
                    size[i] = s;
                    lastGrowth = now;
                    goneSince = -1;
                }
                full &= s >= bytes;
            }
            // Scanning /proc costs a little CPU: every poll once the files are full, else every 100 ms of quiet.
            boolean quiet = now - lastGrowth > 50_000_000L && now - lastScan > 100_000_000L;
            if (startDone && (full || quiet)) {
                lastScan = now;
                if (!alive(tag)) {
                    if (full) {
                        t1 = now;
                        break;
                    }
                    if (goneSince < 0) {
                        goneSince = now;
                    } else if (now - goneSince > SETTLE_NANOS && now - lastGrowth > SETTLE_NANOS) {
                        t1 = Math.max(lastGrowth, goneSince);
                        break;
                    }
                } else {
                    goneSince = -1;
                }
            }
            if (now - t0 > GIVE_UP_NANOS) {
                throw new IllegalStateException("gave up waiting for " + Arrays.toString(files));
            }
            sleepUntil(now + POLL_NANOS);
        }
        List<String> status = mode.equals("supervisord") ? supervisorStatus(config, agents) : pm2Status(agents);
        print(mode, agents, bytes, t1 - t0, startedNanos, size, status, List.of());
    }

    private static List<String> supervisorStatus(String config, int agents) throws Exception {
        Process p = new ProcessBuilder("supervisorctl", "-c", config, "status").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        List<String> status = new ArrayList<>();
        for (int i = 1; i <= agents; i++) {
            String s = "missing";
            for (String line : out.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 2 && f[0].equals("g" + i)) {
                    s = f[1];
                }
            }
            status.add(s);
        }
        return status;
    }

    private static List<String> pm2Status(int agents) throws Exception {
        Process p = new ProcessBuilder(System.getenv("PM2"), "jlist").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        List<String> status = new ArrayList<>();
        for (int i = 1; i <= agents; i++) {
            // jlist is one JSON array; each app's "name" comes before its pm2_env "status".
            String s = "missing";
            int at = out.indexOf("\"name\":\"g" + i + "\"");
            if (at >= 0) {
                int st = out.indexOf("\"status\":\"", at);
                if (st >= 0) {
                    s = out.substring(st + 10, out.indexOf('"', st + 10));
                }
            }
            status.add(s);
        }
        return status;
    }

    private static void file(int agents, long bytes, Path dir, String classes, String tag) throws Exception {
        StringBuilder script = new StringBuilder();
        for (int i = 1; i <= agents; i++) {
            script.append("java -Dbench.tag=").append(tag).append(" -cp '").append(classes).append("' Gen ").append(bytes)
                    .append(" > '").append(dir.resolve("g" + i + ".out")).append("' & ");
        }
        script.append("wait");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("sh", "-c", script.toString()).inheritIO().start();
        int rc = p.waitFor();
        long t1 = System.nanoTime();
        long[] size = new long[agents];
        List<String> status = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            size[i] = Files.size(dir.resolve("g" + (i + 1) + ".out"));
            status.add(rc == 0 ? "exited" : "rc=" + rc);
        }
        print("file", agents, bytes, t1 - t0, t1 - t0, size, status, List.of());
    }

    /** True while a process whose command line carries -Dbench.tag=TAG is alive (zombies are not). */
    private static boolean alive(String tag) throws IOException {
        byte[] needle = ("-Dbench.tag=" + tag + "\0").getBytes(StandardCharsets.US_ASCII);
        File[] procs = new File("/proc").listFiles();
        if (procs == null) {
            return false;
        }
        for (File f : procs) {
            String name = f.getName();
            if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                continue;
            }
            try {
                byte[] cmdline = Files.readAllBytes(f.toPath().resolve("cmdline"));
                if (indexOf(cmdline, needle) < 0) {
                    continue;
                }
                String stat = Files.readString(f.toPath().resolve("stat"));
                char state = stat.charAt(stat.lastIndexOf(')') + 2);
                if (state != 'Z' && state != 'X') {
                    return true;
                }
            } catch (IOException gone) {
                // exited while we looked
            }
        }
        return false;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        long ms = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }

    private static void print(String system, int agents, long bytesEach, long nanos, long startedNanos, long[] got,
                              List<String> status, List<String> ids) {
        long total = Arrays.stream(got).sum();
        double seconds = nanos / 1e9;
        StringBuilder sb = new StringBuilder();
        sb.append("{\"system\":\"").append(system).append("\",\"agents\":").append(agents)
                .append(",\"bytesEach\":").append(bytesEach)
                .append(",\"seconds\":").append(String.format("%.4f", seconds))
                .append(",\"startCommandSeconds\":").append(String.format("%.4f", startedNanos / 1e9))
                .append(",\"mbps\":").append(String.format("%.2f", agents * bytesEach / 1e6 / seconds))
                .append(",\"bytesTotal\":").append(total)
                .append(",\"bytes\":").append(Arrays.toString(got).replace(" ", ""))
                .append(",\"status\":[");
        for (int i = 0; i < status.size(); i++) {
            sb.append(i > 0 ? "," : "").append('"').append(status.get(i)).append('"');
        }
        sb.append("],\"ids\":[");
        for (int i = 0; i < ids.size(); i++) {
            sb.append(i > 0 ? "," : "").append('"').append(ids.get(i)).append('"');
        }
        sb.append("]}");
        System.out.println(sb);
    }

    private Capture() {
    }
}
