import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Renders docs/BENCHMARKS.md from the raw results of bench/run.sh (bench/out/results): every number
 * in the report comes from those files; nothing is typed by hand. Medians, minima and maxima are
 * over the measured runs (1..N); run 0 of a figure is its warm-up and is shown separately where it
 * matters.
 *
 * <p>The prose of the plan and of what was left out comes from two markdown files whose
 * {@code {{fig|system|scenario|metric|stat|decimals|scale}}} placeholders are replaced by measured values.
 *
 * <p>Usage: {@code java Report RESULTS_DIR OUTPUT.md QUICK(0|1) PLAN.md LEFT-OUT.md}
 */
public final class Report {
    record Row(String fig, String sys, String scen, String metric, String run, double value, String unit) {
    }

    record Check(String fig, String sys, String scen, String run, String what, String want, String got) {
        boolean ok() {
            return want.equals(got);
        }
    }

    private final Path dir;
    private final boolean quick;
    private Path planFile;
    private Path leftOutFile;
    /** Results of an earlier run (before some product change), for the before/after table and {{before:...}}. */
    private Report before;
    private final List<Row> rows = new ArrayList<>();
    private final List<Check> checks = new ArrayList<>();
    private final Map<String, Map<String, String>> meta = new LinkedHashMap<>();
    private final StringBuilder md = new StringBuilder();
    /** The number of the next section after the figures 1-7 (the keeper figure takes 8 when it was run). */
    private int nextSection = 8;

    Report(Path dir, boolean quick) {
        this.dir = dir;
        this.quick = quick;
    }

    public static void main(String[] args) throws IOException {
        Locale.setDefault(Locale.ROOT);
        Report r = new Report(Path.of(args[0]), args.length > 2 && args[2].equals("1"));
        r.planFile = args.length > 3 ? Path.of(args[3]) : null;
        r.leftOutFile = args.length > 4 ? Path.of(args[4]) : null;
        if (args.length > 5 && Files.isDirectory(Path.of(args[5]))) {
            r.before = new Report(Path.of(args[5]), false);
            r.before.load();
        }
        r.load();
        r.render();
        Files.createDirectories(Path.of(args[1]).toAbsolutePath().getParent());
        Files.writeString(Path.of(args[1]), r.md.toString());
    }

    // ---------------------------------------------------------------- loading

    void load() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".tsv") && !name.equals("checks.tsv") && !name.equals("verdicts.tsv") && !name.startsWith("profile-")) {
                    for (String line : Files.readAllLines(p)) {
                        String[] f = line.split("\t", -1);
                        if (f.length < 7 || f[5].isEmpty()) {
                            continue;
                        }
                        try {
                            rows.add(new Row(f[0], f[1], f[2], f[3], f[4], Double.parseDouble(f[5]), f[6]));
                        } catch (NumberFormatException e) {
                            // a value that was not measured ("" or "null"): left out
                        }
                    }
                } else if (name.endsWith(".meta")) {
                    Map<String, String> m = new LinkedHashMap<>();
                    for (String line : Files.readAllLines(p)) {
                        int tab = line.indexOf('\t');
                        if (tab > 0) {
                            m.put(line.substring(0, tab), line.substring(tab + 1));
                        }
                    }
                    meta.put(name.substring(0, name.length() - 5), m);
                }
            }
        }
        Path c = dir.resolve("checks.tsv");
        if (Files.exists(c)) {
            for (String line : Files.readAllLines(c)) {
                String[] f = line.split("\t", -1);
                if (f.length >= 7) {
                    checks.add(new Check(f[0], f[1], f[2], f[3], f[4], f[5], f[6]));
                }
            }
        }
    }

    boolean has(String fig) {
        return meta.containsKey(fig) && rows.stream().anyMatch(r -> r.fig.equals(fig));
    }

    /** Values of the measured runs (run >= 1, or "-" for single values). */
    double[] vals(String fig, String sys, String scen, String metric) {
        return rows.stream()
                .filter(r -> r.fig.equals(fig) && r.sys.equals(sys) && r.scen.equals(scen) && r.metric.equals(metric))
                .filter(r -> !r.run.equals("0"))
                .mapToDouble(Row::value).toArray();
    }

    double warmup(String fig, String sys, String scen, String metric) {
        return rows.stream()
                .filter(r -> r.fig.equals(fig) && r.sys.equals(sys) && r.scen.equals(scen) && r.metric.equals(metric) && r.run.equals("0"))
                .mapToDouble(Row::value).findFirst().orElse(Double.NaN);
    }

    double one(String fig, String sys, String scen, String metric) {
        double[] v = vals(fig, sys, scen, metric);
        return v.length == 0 ? Double.NaN : v[0];
    }

    List<String> systems(String fig, String scen) {
        return rows.stream().filter(r -> r.fig.equals(fig) && (scen == null || r.scen.equals(scen)))
                .map(Row::sys).distinct().toList();
    }

    static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    static String f(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return String.format("%,." + decimals + "f", v);
    }

    static String f1(double v) {
        return f(v, 1);
    }

    /** "median (min–max)" */
    static String mmm(double[] v, int decimals) {
        if (v.length == 0) {
            return "n/a";
        }
        if (v.length == 1) {
            return f(v[0], decimals);
        }
        return f(median(v), decimals) + " (" + f(min(v), decimals) + "–" + f(max(v), decimals) + ")";
    }

    static String mib(double bytes) {
        return f(bytes / 1048576.0, 1) + " MiB";
    }

    static String yes(boolean met) {
        return met ? "**met**" : "**not met**";
    }

    String m(String fig, String key) {
        return meta.getOrDefault(fig, Map.of()).getOrDefault(key, "?");
    }

    List<Check> checks(Predicate<Check> p) {
        return checks.stream().filter(p).toList();
    }

    String checkSummary(String fig, String sys, String scen) {
        List<Check> cs = checks(c -> c.fig.equals(fig) && c.sys.equals(sys) && (scen == null || c.scen.equals(scen)));
        long ok = cs.stream().filter(Check::ok).count();
        return cs.isEmpty() ? "–" : (ok == cs.size() ? "all " + cs.size() + " ok" : (cs.size() - ok) + " of " + cs.size() + " FAILED");
    }

    void p(String s) {
        md.append(s).append('\n');
    }

    void table(List<String> header, List<List<String>> body) {
        p("| " + String.join(" | ", header) + " |");
        p("|" + header.stream().map(h -> " --- ").collect(Collectors.joining("|")) + "|");
        for (List<String> r : body) {
            p("| " + String.join(" | ", r) + " |");
        }
        p("");
    }

    // ---------------------------------------------------------------- rendering

    void render() throws IOException {
        Map<String, String> env = meta.getOrDefault("environment", Map.of());
        p("# Benchmarks: agent-harness against supervisord and pm2");
        p("");
        p("<!-- Generated by bench/tools/Report.java (bench/run.sh --report-only); edit the generator, not this file. -->");
        p("");
        if (quick) {
            p("> **Smoke-sized run (`--quick`)**: tiny sizes and one run per figure. These numbers only show that the");
            p("> suite works; they say nothing about performance.");
            p("");
        }
        p("Every number below was measured by `bench/run.sh` and rendered from its raw results (TSV and JSON,");
        p("`" + Path.of("").toAbsolutePath().relativize(dir.toAbsolutePath().normalize()) + "/`); none is typed by hand. Medians are over the measured runs, shown as");
        p("`median (min–max)`; each figure runs every system in the same session, on the same machine, one");
        p("after the other (the capture runs interleaved: run 1 of every system, then run 2, ...).");
        p("");
        summary();
        machine(env);
        capture();
        follow();
        cli();
        store();
        memory();
        profile();
        ceiling();
        keeper();
        beforeAfter();
        planSection();
        checksSection();
        leftOut();
    }

    void summary() {
        p("## Targets");
        p("");
        List<List<String>> body = new ArrayList<>();
        if (has("capture")) {
            double h1 = median(vals("capture", "harness", "1-agent", "mbps"));
            double s1 = median(vals("capture", "supervisord", "1-agent", "mbps"));
            double h3 = median(vals("capture", "harness", "3-agent", "mbps"));
            double s3 = median(vals("capture", "supervisord", "3-agent", "mbps"));
            body.add(List.of("Capture, 1 agent", "≥ 150 MB/s", f1(h1) + " MB/s", "supervisord " + f1(s1) + ", pm2 "
                    + f1(median(vals("capture", "pm2", "1-agent", "mbps"))) + ", plain file " + f1(median(vals("capture", "file", "1-agent", "mbps"))), yes(h1 >= 150)));
            body.add(List.of("Capture vs supervisord, 1 agent", "≥ 0.5×", f(h1 / s1, 2) + "×", "", yes(h1 / s1 >= 0.5)));
            body.add(List.of("Capture vs supervisord, 3 agents", "≥ 0.5×", f(h3 / s3, 2) + "× (" + f1(h3) + " vs " + f1(s3) + " MB/s)", "", yes(h3 / s3 >= 0.5)));
            List<Check> hc = checks(c -> c.fig.equals("capture") && c.sys.equals("harness"));
            boolean exact = !hc.isEmpty() && hc.stream().allMatch(Check::ok);
            body.add(List.of("Capture byte-exact", "every byte, in order", checkSummary("capture", "harness", null) + " (counter, `tail -n all` count and sha256, per session and run)",
                    pm2Loss(), yes(exact)));
        }
        if (has("follow")) {
            String scen = m("follow", "ticks") + "-lines";
            double p50 = median(vals("follow", "harness", scen, "p50"));
            double p99 = median(vals("follow", "harness", scen, "p99"));
            // Issue 15's targets (pushed `tail -f`); the first targets (≤ 20 / ≤ 100 ms) are shown beside them.
            body.add(List.of("Follow latency p50 (`tail -f`)", "≤ 2 ms (issue 15; first target ≤ 20 ms)", f1(p50) + " ms",
                    "pm2 logs " + f1(median(vals("follow", "pm2", scen, "p50"))) + " ms, supervisorctl "
                            + f1(median(vals("follow", "supervisord", scen, "p50"))) + " ms", yes(p50 <= 2)
                            + (p50 <= 2 ? "" : " (≤ 20 ms: " + (p50 <= 20 ? "met" : "not met") + ")")));
            body.add(List.of("Follow latency p99 (`tail -f`)", "≤ 10 ms (issue 15; first target ≤ 100 ms)", f1(p99) + " ms",
                    "pm2 logs " + f1(median(vals("follow", "pm2", scen, "p99"))) + " ms, supervisorctl "
                            + f1(median(vals("follow", "supervisord", scen, "p99"))) + " ms", yes(p99 <= 10)
                            + (p99 <= 10 ? "" : " (≤ 100 ms: " + (p99 <= 100 ? "met" : "not met") + ")")));
        }
        if (has("cli")) {
            double h = one("cli", "harness ps", "status", "median");
            double s = one("cli", "supervisorctl status", "status", "median");
            body.add(List.of("CLI start (`harness ps`)", "≤ 2× `supervisorctl status`", f1(h) + " ms = " + f(h / s, 2) + "×",
                    "supervisorctl " + f1(s) + " ms, pm2 ls " + f1(one("cli", "pm2 ls", "status", "median")) + " ms", yes(h / s <= 2)));
        }
        if (has("memory")) {
            double d = median(vals("memory", "harness (default JVM options)", "3-agent", "vmhwm_kib")) / 1024;
            String others = systems("memory", "3-agent").stream().filter(x -> x.startsWith("harness ") && !x.contains("default"))
                    .map(x -> f1(median(vals("memory", x, "3-agent", "vmhwm_kib")) / 1024) + " MiB with " + x.substring("harness ".length()))
                    .collect(Collectors.joining("; "));
            body.add(List.of("Daemon peak RSS, 3 agents, " + mib(Double.parseDouble(m("memory", "bytes_total"))) + " in total", "≤ 256 MB",
                    f1(d) + " MiB as shipped (default JVM options)" + (others.isEmpty() ? "" : "; " + others),
                    "supervisord " + f1(median(vals("memory", "supervisord", "3-agent", "vmhwm_kib")) / 1024) + " MiB, pm2 "
                            + f1(median(vals("memory", "pm2", "3-agent", "vmhwm_kib")) / 1024) + " MiB", yes(d * 1.048576 <= 256)));
        }
        if (has("store")) {
            double big = median(vals("store", "harness", "tail -n all big", "rss_kib"));
            double small = median(vals("store", "harness", "tail -n all small", "rss_kib"));
            double capped = median(vals("store", "harness", "tail -n all big, -Xmx32m", "rss_kib"));
            body.add(List.of("`tail -n all` memory flat in the size", "flat", "big " + f1(big / 1024) + " MiB vs 10× smaller " + f1(small / 1024)
                            + " MiB (" + f(big / small, 2) + "×); with -Xmx32m the big one needs " + f1(capped / 1024) + " MiB",
                    "", big / small <= 1.25 ? "**met**" : "**flat only with a capped heap**"));
        }
        keeperTargets(body);
        table(List.of("target", "wanted", "harness", "peers (same run)", "verdict"), body);
    }

    static final List<String> KEEPER_MODES = List.of("native", "jvm", "inprocess");

    static String keeperMode(String mode) {
        return switch (mode) {
            case "native" -> "native keeper (default)";
            case "jvm" -> "JVM keeper (`HARNESS_KEEPER=jvm`)";
            case "inprocess" -> "no keepers (`HARNESS_KEEPERS=0`)";
            default -> mode;
        };
    }

    static String keeperShort(String mode) {
        return switch (mode) {
            case "native" -> "native";
            case "jvm" -> "JVM keeper";
            case "inprocess" -> "without keepers";
            default -> mode;
        };
    }

    double[] kmib(String sys, String metric) {
        return Arrays.stream(vals("keeper", sys, "3-agent", metric)).map(v -> v / 1024).toArray();
    }

    /** Issue 10's numbers, from the keeper figure: the native keeper decides the verdict, the JVM keeper is beside it. */
    void keeperTargets(List<List<String>> body) {
        if (!has("keeper")) {
            return;
        }
        String n = "harness-native";
        String j = "harness-jvm";
        String in = "harness-inprocess";
        double kn = max(kmib(n, "keeper_rss_peak_kib"));
        body.add(List.of("Keeper RSS, one keeper while its agent floods (largest over runs)", "≤ 40 MiB",
                f1(kn) + " MiB native; " + f1(max(kmib(j, "keeper_rss_peak_kib"))) + " MiB JVM keeper",
                "– (supervisord forks agents itself, no per-agent process)", yes(kn <= 40)));
        double sn = one("keeper", n, "start-true", "median");
        double sj = one("keeper", j, "start-true", "median");
        double s0 = one("keeper", in, "start-true", "median");
        body.add(List.of("Start added by a keeper (`harness start -- true`, medians)", "≤ 100 ms",
                f(sn - s0, 0) + " ms native (" + f(sn, 0) + " vs " + f(s0, 0) + " ms without keepers); " + f(sj - s0, 0) + " ms JVM keeper",
                "`supervisorctl start g1 g2 g3` " + f(median(vals("keeper", "supervisord", "3-agent", "start_command")) * 1000, 0)
                        + " ms (3 programs; harness's 3 parallel starts: " + f(median(vals("keeper", n, "3-agent", "start_command")) * 1000, 0) + " ms)",
                yes(sn - s0 <= 100)));
        double sv = median(vals("keeper", "supervisord", "3-agent", "mbps"));
        double rn = median(vals("keeper", n, "3-agent", "mbps")) / sv;
        body.add(List.of("Capture vs supervisord, 3 agents, with keepers", "≥ 0.54× (goal 1.0×)",
                f(rn, 2) + "× native, " + f(median(vals("keeper", j, "3-agent", "mbps")) / sv, 2) + "× JVM keeper, "
                        + f(median(vals("keeper", in, "3-agent", "mbps")) / sv, 2) + "× without keepers",
                "supervisord " + f1(sv) + " MB/s", yes(rn >= 0.54) + (rn >= 1.0 ? "; goal 1.0×: met" : "; goal 1.0×: " + f(1.0 - rn, 2) + "× short")));
        double tn = max(kmib(n, "rss_total_peak_kib"));
        body.add(List.of("Daemon + keepers peak RSS, 3 agents writing " + mib(Double.parseDouble(m("keeper", "bytes_total"))) + " (largest over runs)",
                "≤ 300 MiB", f1(tn) + " MiB native; " + f1(max(kmib(j, "rss_total_peak_kib"))) + " MiB JVM keepers; "
                        + f1(max(kmib(in, "rss_total_peak_kib"))) + " MiB daemon alone without keepers",
                "supervisord " + f1(max(kmib("supervisord", "rss_total_peak_kib"))) + " MiB", yes(tn <= 300)));
        List<Check> kc = checks(c -> c.fig.equals("keeper") && c.sys.startsWith("harness"));
        body.add(List.of("Keeper figure checks", "every byte stored; each mode ran its own keepers", kc.stream().filter(Check::ok).count() + " of " + kc.size() + " checks ok",
                checkSummary("keeper", "supervisord", null).replace("all", "supervisord: all"), yes(!kc.isEmpty() && kc.stream().allMatch(Check::ok))));
    }

    String pm2Loss() {
        List<Check> lost = checks(c -> c.fig.equals("capture") && c.sys.equals("pm2") && c.what.startsWith("bytes in") && !c.ok());
        long all = checks(c -> c.fig.equals("capture") && c.sys.equals("pm2") && c.what.startsWith("bytes in")).size();
        if (lost.isEmpty()) {
            return all == 0 ? "" : "pm2 lost no bytes in this run";
        }
        long bytes = lost.stream().mapToLong(c -> Long.parseLong(c.want) - Long.parseLong(c.got)).sum();
        return "pm2 lost bytes at exit in " + lost.size() + " of " + all + " log files (" + String.format("%,d", bytes) + " bytes in all)";
    }

    void machine(Map<String, String> env) {
        p("## Machine, versions, command");
        p("");
        List<List<String>> body = new ArrayList<>();
        for (String k : List.of("date", "command", "git_commit", "nproc", "cpu", "memory", "kernel", "disk", "java", "jvm", "harness",
                "supervisord", "pm2", "node", "python", "sqlite", "hyperfine")) {
            if (env.containsKey(k)) {
                body.add(List.of(k, "`" + env.get(k) + "`"));
            }
        }
        table(List.of("", ""), body);
        p("The machine is shared: other engineers' builds and tests ran on the same two cores during the run.");
        p("The load average at the start and end of each figure is recorded; read the spreads with that in mind.");
        p("");
        List<List<String>> loads = new ArrayList<>();
        for (String fig : List.of("capture", "follow", "cli", "store", "memory", "profile", "ceiling", "keeper")) {
            if (meta.containsKey(fig)) {
                loads.add(List.of(fig, m(fig, "date"), "`" + m(fig, "command") + "`", m(fig, "runs"), m(fig, "loadavg_before"), m(fig, "loadavg_after")));
            }
        }
        table(List.of("figure", "started (UTC)", "by", "measured runs", "load avg before (1/5/15 min)", "after"), loads);
    }

    void capture() {
        if (!has("capture")) {
            return;
        }
        double each = Double.parseDouble(m("capture", "bytes_each"));
        p("## 1. Capture throughput");
        p("");
        p("Each agent is `java Gen " + String.format("%.0f", each) + "` (" + mib(each) + " of 100-byte lines, written as fast as the pipe takes");
        p("them). Time runs from just before the start command(s) until every byte is stored and every agent has");
        p("ended: for the harness, until each session's row reaches a terminal status (written only after its");
        p("output is committed), polled read-only from SQLite every 5 ms; for supervisord (`stdout_logfile`, no");
        p("rotation) and pm2 (`out_file`, `autorestart: false`), until each log file holds every byte and no");
        p("generator is alive (polled every 5 ms from /proc, so the poll does not load the daemon); for the plain");
        p("file, `Gen > file`. Three agents are three sessions/programs/apps started at once (three parallel");
        p("`harness start` commands; one `supervisorctl start g1 g2 g3`; one `pm2 start ecosystem.json`). MB/s");
        p("is 10^6 bytes of all agents per second of wall time. Each system has one daemon per scenario; run 0 is");
        p("an untimed warm-up (shown as \"first run\"), then " + m("capture", "runs") + " measured runs. \"Daemon CPU\" is the user + system");
        p("time the daemon process itself (harness daemon JVM, supervisord, pm2's God daemon) used during the run, per GiB");
        p("captured, from `/proc/PID/stat`: unlike MB/s it does not depend on what else the shared machine is doing.");
        if ("yes".equals(meta.getOrDefault("capture", Map.of()).get("drop_caches"))) {
            p("Before every timed run of every system the bench writes back the page cache and evicts the files the systems");
            p("wrote (`settle_caches` in `bench/lib/common.sh`): on this VM, once the page cache held about 5 GB, every writer");
            p("paid for reclaim in system time, and the harness's database (which keeps growing over a scenario's runs, while");
            p("the peers' log files are deleted before each run) got there first: its daemon's system time per 3-agent run");
            p("tripled from the 5th run on. Only those files are evicted, so no start command reads its JVM or interpreter");
            p("from disk again.");
        }
        p("");
        for (String scen : List.of("1-agent", "3-agent")) {
            double sv = median(vals("capture", "supervisord", scen, "mbps"));
            List<List<String>> body = new ArrayList<>();
            for (String sys : List.of("harness", "supervisord", "pm2", "file")) {
                double[] mb = vals("capture", sys, scen, "mbps");
                if (mb.length == 0) {
                    continue;
                }
                double[] cpu = vals("capture", sys, scen, "daemon_cpu_s_per_gib");
                body.add(List.of(label(sys), mmm(mb, 1), mmm(vals("capture", sys, scen, "seconds"), 2),
                        mmm(vals("capture", sys, scen, "start_command"), 2), f1(warmup("capture", sys, scen, "mbps")),
                        f(median(mb) / sv, 2) + "×", cpu.length == 0 ? "–" : mmm(cpu, 2), checkSummary("capture", sys, scen)));
            }
            p("**" + scen.replace("-agent", scen.startsWith("1") ? " agent" : " agents at once") + "**");
            p("");
            table(List.of("system", "MB/s", "seconds", "of which the start command", "first run MB/s", "vs supervisord",
                    "daemon CPU s per GiB", "checks"), body);
        }
        p(pm2Detail());
        p("");
        p("The harness's \"daemon CPU\" is the daemon process alone. Since issue 10 each agent's keeper reads its output and");
        p("stores it, so most of the capture's CPU is the keepers', which this column does not count (section 8 has the");
        p("keepers' memory and the three modes side by side).");
        p("");
        double db = one("capture", "harness", "1-agent", "db_bytes");
        if (!Double.isNaN(db)) {
            int runs = Integer.parseInt(m("capture", "runs")) + 1;
            p("The harness database after the " + runs + " single-agent runs (" + mib(each * runs) + " captured) took " + mib(db)
                    + " on disk (db + wal), " + f(db / (each * runs), 2) + "× the bytes captured: 64 KiB chunks cost almost nothing beyond their text.");
            p("");
        }
    }

    String pm2Detail() {
        List<Check> lost = checks(c -> c.fig.equals("capture") && c.sys.equals("pm2") && c.what.startsWith("bytes in") && !c.ok());
        if (lost.isEmpty()) {
            return "pm2 wrote every byte in every run this time (its \"checks\" column says so).";
        }
        StringBuilder sb = new StringBuilder("pm2 lost the end of the output in these runs (the generator exited 0; the bytes never reached the log file): ");
        sb.append(lost.stream().map(c -> c.scen + " run " + c.run + " " + c.what.replace("bytes in ", "") + ": "
                + String.format("%,d", Long.parseLong(c.want) - Long.parseLong(c.got)) + " bytes short").collect(Collectors.joining("; ")));
        sb.append(". Its MB/s counts the bytes it was asked to capture over the time until its log stopped growing.");
        return sb.toString();
    }

    static String label(String sys) {
        return switch (sys) {
            case "harness" -> "harness";
            case "supervisord" -> "supervisord 4.2";
            case "pm2" -> "pm2";
            case "file" -> "`Gen > file` (the machine's limit)";
            default -> sys;
        };
    }

    void follow() {
        if (!has("follow")) {
            return;
        }
        String scen = m("follow", "ticks") + "-lines";
        p("## 2. Follow latency");
        p("");
        p("`Tick` prints `TICK n epochMicros` every 10 ms, " + m("follow", "ticks") + " lines per run, after a " + m("follow", "tick_delay_ms") + " ms pause that lets the follower attach.");
        p("The follower runs in its own process: `harness tail -f ID`, `supervisorctl tail -f tick`, `pm2 logs tick --raw --lines 0`.");
        p("`harness tail -f` is pushed by the daemon: the keeper tells the daemon of each commit of the session's output to SQLite");
        p("(it commits at once after a quiet spell), and the daemon sends the new rows to its followers (without a daemon,");
        p("`tail -f` falls back to reading SQLite in a loop). The harness runs as shipped, with the native keeper. The follower's");
        p("output goes through a FIFO into `Stamp`, which stamps each line's arrival. Latency = arrival − the agent's");
        p("timestamp, per line. The table gives the median over runs of each run's p50 and p99 (with the range over runs), and the");
        p("largest single latency seen in any run.");
        p("");
        List<List<String>> body = new ArrayList<>();
        for (String sys : List.of("harness", "supervisord", "pm2")) {
            double[] p50 = vals("follow", sys, scen, "p50");
            if (p50.length == 0) {
                continue;
            }
            String cmd = switch (sys) {
                case "harness" -> "`harness tail -f`";
                case "supervisord" -> "`supervisorctl tail -f`";
                default -> "`pm2 logs --raw`";
            };
            body.add(List.of(cmd, mmm(p50, 1), mmm(vals("follow", sys, scen, "p99"), 1), f1(max(vals("follow", sys, scen, "max"))),
                    checkSummary("follow", sys, null)));
        }
        table(List.of("follower", "p50 ms", "p99 ms", "max ms", "checks (every line seen once)"), body);
    }

    void cli() {
        if (!has("cli")) {
            return;
        }
        p("## 3. CLI start");
        p("");
        p("Wall time of each system's status command while it supervises three running agents (`sleep 600`), by");
        p("`hyperfine -N --runs " + (int) one("cli", "harness ps", "status", "runs") + "` (after warm-up runs); `harness` is the repository's launcher script");
        p("(`./harness`, with `HARNESS_NO_BUILD=1`), as a user runs it.");
        p("");
        double sv = one("cli", "supervisorctl status", "status", "median");
        List<List<String>> body = new ArrayList<>();
        List<String> shown = new ArrayList<>(List.of("harness ps", "harness ps, own JVM", "supervisorctl status", "pm2 ls"));
        shown.retainAll(systems("cli", "status"));
        for (String sys : shown) {
            body.add(List.of("`" + sys + "`", f1(one("cli", sys, "status", "median")), f1(one("cli", sys, "status", "min")),
                    f1(one("cli", sys, "status", "max")), f1(one("cli", sys, "status", "mean")),
                    f(one("cli", sys, "status", "median") / sv, 2) + "×"));
        }
        table(List.of("command", "median ms", "min", "max", "mean", "vs supervisorctl"), body);
        if (shown.contains("harness ps, own JVM")) {
            p("`harness ps` goes through the native client (`cli/target/harness-client`), which has the running daemon run");
            p("the command; \"own JVM\" is the same command with `HARNESS_NO_CLIENT=1`, in a JVM of its own, as before the client.");
            p("");
        }
        p("For reference, the floors (same hyperfine settings):");
        p("");
        body = new ArrayList<>();
        for (String sys : systems("cli", "floor")) {
            body.add(List.of("`" + sys + "`", f1(one("cli", sys, "floor", "median")), f1(one("cli", sys, "floor", "min")),
                    f1(one("cli", sys, "floor", "max"))));
        }
        table(List.of("command", "median ms", "min", "max"), body);
        p("\"launcher flags\" are the ones `./harness` gives short-lived commands: `-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        p("-XX:-UsePerfData -Xshare:auto` (its AppCDS archive comes on top for the harness itself).");
        p("");
    }

    void store() {
        if (!has("store")) {
            return;
        }
        double rowsBig = Double.parseDouble(m("store", "rows_big"));
        p("## 4. Store scale");
        p("");
        p("One database built through the store API the daemon uses (`SqliteStores`, `claimSlot`, `appendBatch` of");
        p("20,000 chunks per transaction): session `big` with " + String.format("%,.0f", rowsBig) + " output rows of 100 bytes (one line each,");
        p("the worst case for row count: an agent that prints one line at a time), session `small` with a tenth of");
        p("that, and " + m("store", "extra_sessions") + " finished sessions of 10 rows. No daemon runs: the read commands open the file directly.");
        p("");
        double cap = one("store", "harness", "size", "captured_bytes");
        double db = one("store", "harness", "size", "db_bytes") + one("store", "harness", "size", "wal_bytes");
        List<List<String>> body = new ArrayList<>();
        body.add(List.of("build (" + String.format("%,.0f", one("store", "harness", "build", "rows")) + " rows)", f1(one("store", "harness", "build", "seconds")) + " s",
                f(one("store", "harness", "build", "rows") / one("store", "harness", "build", "seconds"), 0) + " rows/s"));
        body.add(List.of("bytes captured (all sessions)", mib(cap), ""));
        body.add(List.of("size on disk (db + wal)", mib(db), f(db / cap, 2) + "× the bytes captured"));
        double after = one("store", "harness", "size", "db_bytes_after_purge") + one("store", "harness", "size", "wal_bytes_after_purge");
        body.add(List.of("size on disk after purging `big`", mib(after), "SQLite keeps freed pages for reuse; the file shrinks only with VACUUM"));
        body.add(List.of("`purge --older-than 1d` (removes `big`)", f1(one("store", "harness", "purge", "seconds")) + " s",
                "peak RSS " + f1(one("store", "harness", "purge", "rss_kib") / 1024) + " MiB; one run (destructive)"));
        table(List.of("what", "value", "note"), body);
        p("Short commands (hyperfine, same settings as figure 3):");
        p("");
        body = new ArrayList<>();
        for (String c : List.of("tail -n 100 big", "tail -n 100 small", "ps", "ps --all", "show big")) {
            body.add(List.of("`harness " + c + "`", f1(one("store", "harness", c, "median")), f1(one("store", "harness", c, "min")),
                    f1(one("store", "harness", c, "max"))));
        }
        table(List.of("command", "median ms", "min", "max"), body);
        p("`tail -n all` to a pipe (`| wc -c`), under `/usr/bin/time -v`:");
        p("");
        body = new ArrayList<>();
        for (String c : List.of("tail -n all big", "tail -n all small", "tail -n all big, -Xmx32m")) {
            double[] s = vals("store", "harness", c, "seconds");
            if (s.length == 0) {
                continue;
            }
            body.add(List.of("`" + c.replace(", -Xmx32m", "` with `HARNESS_JAVA_OPTS=-Xmx32m") + "`", mib(one("store", "harness", c, "bytes")), mmm(s, 2),
                    mmm(vals("store", "harness", c, "mbps"), 1), mmm(Arrays.stream(vals("store", "harness", c, "rss_kib")).map(v -> v / 1024).toArray(), 1)));
        }
        table(List.of("command", "output", "seconds", "MB/s", "peak RSS MiB"), body);
    }

    void memory() {
        if (!has("memory")) {
            return;
        }
        p("## 5. Daemon memory");
        p("");
        p("Peak RSS (`VmHWM` of `/proc/PID/status`, read after the run) of each system's daemon while three agents write");
        p(mib(Double.parseDouble(m("memory", "bytes_total"))) + " in total (" + mib(Double.parseDouble(m("memory", "bytes_each"))) + " each, as fast as they can). A fresh daemon per run, so each");
        p("peak belongs to one run. The harness daemon's JVM options are set through `HARNESS_DAEMON_JAVA_OPTS`; the agents'");
        p("own memory is not counted for any system.");
        p("");
        List<List<String>> body = new ArrayList<>();
        for (String sys : systems("memory", "3-agent")) {
            body.add(List.of(sys, mmm(Arrays.stream(vals("memory", sys, "3-agent", "vmhwm_kib")).map(v -> v / 1024).toArray(), 1),
                    mmm(vals("memory", sys, "3-agent", "mbps"), 1), checkSummary("memory", sys, null)));
        }
        table(List.of("daemon", "peak RSS MiB", "MB/s in the same run", "checks"), body);
    }

    void profile() {
        if (!has("profile")) {
            return;
        }
        double window = one("profile", "harness", "window", "seconds");
        p("## 6. Where the daemon's time goes");
        p("");
        p("One daemon capturing its agents itself (`HARNESS_KEEPERS=0`: with keepers it stores no output, so there would be");
        p("nothing to profile; this is the JVM writer code that the JVM keeper runs too), with a JFR recording (Java and");
        p("native method samples every 2 ms) and native memory tracking; an");
        String agents = meta.getOrDefault("profile", Map.of()).getOrDefault("agents", "1");
        p("untimed warm-up capture, then " + vals("profile", "harness", "capture", "mbps").length + " captures of "
                + (agents.equals("1") ? "one agent" : agents + " agents at once") + " writing " + mib(Double.parseDouble(
                meta.getOrDefault("capture", Map.of()).getOrDefault("bytes_each", "268435456"))) + " each, back to back ("
                + mmm(vals("profile", "harness", "capture", "mbps"), 1) + " MB/s with the recording on), a " + f(window, 2) + " s window.");
        p("");
        p("CPU time of the daemon's threads in that window (`/proc/PID/task/*/stat`; names as the kernel keeps them,");
        p("15 characters, digits folded to N):");
        p("");
        List<Row> cpu = rows.stream().filter(r -> r.fig.equals("profile") && r.scen.equals("thread-cpu"))
                .sorted((a, b) -> Double.compare(b.value, a.value)).toList();
        List<List<String>> body = new ArrayList<>();
        double total = 0;
        for (Row r : cpu) {
            total += r.value;
            body.add(List.of("`" + r.sys + "`", f(r.value, 0), f(100 * r.value / (window * 1000), 1) + " %"));
        }
        body.add(List.of("**all threads**", f(total, 0), f(100 * total / (window * 1000), 1) + " % of one core"));
        table(List.of("thread", "CPU ms", "of the window"), body);
        jfr();
        nmt();
    }

    void jfr() {
        Path f = dir.resolve("profile-jfr.tsv");
        if (!Files.exists(f)) {
            return;
        }
        List<String[]> lines;
        try {
            lines = Files.readAllLines(f).stream().map(l -> l.split("\t")).filter(a -> a.length == 4).toList();
        } catch (IOException e) {
            return;
        }
        p("Method samples of the threads that carry output, from the same window (`java` = running Java code; `native` =");
        p("inside a native call, which includes waiting in a system call such as `epoll_wait`). A method is shown with the");
        p("innermost harness method below it (`<-`).");
        p("");
        for (String thread : List.of("harness-output-writer", "NuProcessQueue-N")) {
            for (String kind : List.of("native", "java")) {
                List<String[]> sel = lines.stream().filter(a -> a[0].equals(kind) && a[1].equals(thread)).toList();
                if (sel.isEmpty()) {
                    continue;
                }
                double all = sel.stream().filter(a -> a[2].equals("*")).mapToDouble(a -> Double.parseDouble(a[3])).findFirst().orElse(1);
                List<List<String>> body = new ArrayList<>();
                for (String[] a : sel) {
                    if (!a[2].equals("*")) {
                        body.add(List.of("`" + a[2] + "`", a[3], f(100 * Double.parseDouble(a[3]) / all, 1) + " %"));
                    }
                }
                p("`" + thread + "`, " + kind + " samples (" + f(all, 0) + "):");
                p("");
                table(List.of("top frame", "samples", "share"), body);
            }
        }
    }

    void nmt() {
        List<Row> nmt = rows.stream().filter(r -> r.fig.equals("profile") && r.scen.equals("nmt") && r.metric.equals("committed_kib"))
                .sorted((a, b) -> Double.compare(b.value, a.value)).toList();
        if (nmt.isEmpty()) {
            return;
        }
        p("The daemon's memory afterwards (`jcmd PID VM.native_memory summary`, committed; RSS "
                + f1(one("profile", "harness", "nmt", "vmrss_kib") / 1024) + " MiB, peak " + f1(one("profile", "harness", "nmt", "vmhwm_kib") / 1024)
                + " MiB; committed is address space the JVM has claimed, of which only touched pages count in RSS; SQLite's own");
        p("page cache is outside NMT):");
        p("");
        List<List<String>> body = new ArrayList<>();
        for (Row r : nmt) {
            if (r.value >= 1024 || r.sys.equals("Total")) {
                body.add(List.of(r.sys, f1(r.value / 1024)));
            }
        }
        table(List.of("category (≥ 1 MiB)", "committed MiB"), body);
    }

    void ceiling() {
        if (!has("ceiling")) {
            return;
        }
        p("## 7. The capture path taken apart");
        p("");
        p("Each in one JVM, no daemon, no CLI, " + mib(Double.parseDouble(m("ceiling", "bytes"))) + " of Gen's output; round 0 of each JVM warms it up and is not counted.");
        p("");
        p("**Storing only** (`StoreCeiling`: one thread, 64 KiB chunks, 4 MiB per transaction, the daemon's defaults):");
        p("");
        List<List<String>> body = new ArrayList<>();
        Map<String, String> what = new LinkedHashMap<>();
        what.put("store", "`OutputStore.appendBatch` (the daemon's writer, text as String), database created by this store");
        what.put("store-existing", "the same into a database that already existed (created and closed first)");
        what.put("jdbc-schema", "plain sqlite-jdbc into the harness's own schema (foreign keys on, the store's pragmas), text as String");
        what.put("jdbc-schema-nockpt", "the same with `wal_autocheckpoint = 0` (no checkpoint on the writer's commits; the WAL grows)");
        what.put("jdbc-text", "plain sqlite-jdbc, a table of the same shape without the rest of the schema, text as String");
        what.put("jdbc-blob", "plain sqlite-jdbc, bytes bound as BLOB");
        what.put("file", "`FileChannel.write` of the same chunks");
        for (var e : what.entrySet()) {
            double[] rss = Arrays.stream(vals("ceiling", e.getKey(), "rss", "rss_kib")).map(v -> v / 1024).toArray();
            double[] cpu = vals("ceiling", e.getKey(), "store", "cpu_s_per_gib");
            body.add(List.of(e.getValue(), mmm(vals("ceiling", e.getKey(), "store", "mbps"), 1), cpu.length == 0 ? "–" : mmm(cpu, 2),
                    rss.length == 0 ? "–" : mmm(rss, 1)));
        }
        table(List.of("path", "MB/s", "CPU s per GiB (the storing thread)", "peak RSS MiB (own JVM, `" + m("ceiling", "rss_jvm") + "`)"), body);
        p("**Capturing a real process** (`PipelineProbe`: the supervisor's own classes — NuProcess, `NuProcessBridge`,");
        p("`OutputPump`, `ByteBudget`, `BatchWriter` — with the tunables exposed; `window` = batch window, `batch` =");
        p("batch size that commits early, `buffer` = per-session backpressure budget):");
        p("");
        body = new ArrayList<>();
        for (String v : systems("ceiling", "probe")) {
            String[] a = v.split(":");
            String src = a[0].equals("nuprocess") ? "NuProcess" : "plain reader thread, " + a[0].substring(4) + " KiB reads";
            if (v.equals(systems("ceiling", "probe").get(0))) {
                src += " (the daemon's defaults)";
            }
            double[] cpu = vals("ceiling", v, "probe", "cpu_s_per_gib");
            body.add(List.of(src, a[1] + " ms", a[2] + " KiB", a[3] + " KiB", mmm(vals("ceiling", v, "probe", "mbps"), 1),
                    cpu.length == 0 ? "–" : mmm(cpu, 2),
                    f(median(vals("ceiling", v, "probe", "batches")), 0), f(median(vals("ceiling", v, "probe", "backpressure_waits")), 0)));
        }
        table(List.of("source", "window", "batch", "buffer", "MB/s", "CPU s per GiB (the JVM, not the agent)", "batches",
                "backpressure waits"), body);
        List<String> tiny = systems("ceiling", "tiny");
        if (!tiny.isEmpty()) {
            p("**A 100-byte agent** (same probe): milliseconds from spawn until its output is committed and the source has");
            p("reported the end; the fixed cost of one short session in the capture path.");
            p("");
            body = new ArrayList<>();
            for (String v : tiny) {
                body.add(List.of(v, mmm(vals("ceiling", v, "tiny", "ms"), 1)));
            }
            table(List.of("source", "ms"), body);
        }
    }

    /** Figure 8 (issue 10): what keepers cost, three modes of the harness beside supervisord in the same run. */
    void keeper() {
        if (!has("keeper")) {
            return;
        }
        long each = (long) Double.parseDouble(m("keeper", "bytes_each"));
        p("## " + (nextSection++) + ". Keepers: what a process per session costs");
        p("");
        p("Since issue 10 every agent runs under a keeper process (docs/design/keeper.md), the agent's parent and owner of its");
        p("output, which it writes into SQLite itself; the daemon is its client and is off the capture path. Three modes of the");
        p("harness are measured, each with its own home and its own daemon (the daemon reads the variables when it starts,");
        p("`daemon/.../KeeperCommand.java`), and supervisord beside them, interleaved: run 1 of every mode and of supervisord,");
        p("then run 2, ...");
        p("");
        List<List<String>> modes = new ArrayList<>();
        modes.add(List.of("native", "none (the default)", "`cli/target/harness-keeper` (C), `harness-keeper HOME ID`"
                + ("no".equals(m("keeper", "native_keeper")) ? " — **not built in this run: its rows are JVM keepers**" : "")));
        modes.add(List.of("JVM keeper", "`HARNESS_KEEPER=jvm`", "a small JVM from the same jar, `java ... KeeperMain HOME ID`"));
        modes.add(List.of("without keepers", "`HARNESS_KEEPERS=0`", "none: the daemon spawns and captures its agents itself, as before issue 10"));
        table(List.of("mode", "environment of the daemon", "keeper process"), modes);
        p("**Capture**: three agents, each `java -cp bench/out/classes Gen " + each + "` (" + mib(each) + ", " + mib(each * 3.0)
                + " in all), started at once. For a harness mode: `harness --home H run -q -- true` with the mode's environment");
        p("(starts that home's daemon), then `java Capture harness ./harness H 3 " + each + " ...`, which runs three parallel");
        p("`harness --home H start -- java -cp bench/out/classes Gen " + each + "` and polls the sessions' rows read-only until all three");
        p("are terminal; for supervisord, `supervisorctl -c supervisord.conf start g1 g2 g3` and the log files' sizes (as in figure 1).");
        p("A fresh home and daemon per run. While a run lasts, a sampler (`bench/tools/rss_sample.py`) reads");
        p("`/proc` every 100 ms: for the harness, the summed `VmRSS` of the daemon and every keeper of that home (a process whose");
        p("command line has `harness-keeper H ` or `KeeperMain H `, spare keeper included), and the `VmHWM` of each keeper; for");
        p("supervisord, the same scan (so that both pay the same sampler), and its RSS is its `VmHWM` after the run.");
        p("The agents' own memory is not counted for any system. \"Start\" here is the wall time of the");
        p("three parallel start commands (`supervisorctl start` for supervisord).");
        p("");
        double sv = median(vals("keeper", "supervisord", "3-agent", "mbps"));
        for (String mode : KEEPER_MODES) {
            String sys = "harness-" + mode;
            if (vals("keeper", sys, "3-agent", "mbps").length == 0) {
                continue;
            }
            int n = vals("keeper", sys, "3-agent", "mbps").length;
            p("**" + keeperMode(mode) + "**, " + n + (n == 1 ? " measured run:" : " measured runs:"));
            p("");
            List<List<String>> body = new ArrayList<>();
            keeperRow(body, "capture MB/s", vals("keeper", sys, "3-agent", "mbps"), vals("keeper", "supervisord", "3-agent", "mbps"), 1);
            keeperRow(body, "seconds until all three are stored", vals("keeper", sys, "3-agent", "seconds"), vals("keeper", "supervisord", "3-agent", "seconds"), 2);
            keeperRow(body, "start of the three, s", vals("keeper", sys, "3-agent", "start_command"), vals("keeper", "supervisord", "3-agent", "start_command"), 2);
            keeperRow(body, "peak RSS MiB, daemon + keepers (supervisord: its daemon)", kmib(sys, "rss_total_peak_kib"), kmib("supervisord", "rss_total_peak_kib"), 1);
            if (!mode.equals("inprocess")) {
                keeperRow(body, "peak RSS MiB of one keeper", kmib(sys, "keeper_rss_peak_kib"), new double[0], 1);
            }
            body.add(List.of("capture vs supervisord (medians)", "", f(median(vals("keeper", sys, "3-agent", "mbps")) / sv, 2) + "×", "", "",
                    checkSummary("keeper", sys, "3-agent")));
            table(List.of("measure", "min", "median", "max", "supervisord median (same runs)", "checks"), body);
        }
        p("**Start cost**: `harness start -- true` on a warm daemon of each mode, one start at a time: `hyperfine -N -i --runs "
                + m("keeper", "hyperfine_runs") + " --warmup " + m("keeper", "hyperfine_warmup") + " --prepare 'sleep " + m("keeper", "start_pause_s") + "'");
        p("'./harness --home H start -- true'` (the untimed pause lets the previous session end and the daemon boot its next spare");
        p("keeper, which a start adopts). What a keeper adds is the difference to the mode without keepers.");
        p("");
        List<List<String>> body = new ArrayList<>();
        double base = one("keeper", "harness-inprocess", "start-true", "median");
        for (String mode : KEEPER_MODES) {
            String sys = "harness-" + mode;
            double med = one("keeper", sys, "start-true", "median");
            if (Double.isNaN(med)) {
                continue;
            }
            body.add(List.of(keeperMode(mode), f1(med), f1(one("keeper", sys, "start-true", "min")), f1(one("keeper", sys, "start-true", "max")),
                    f1(one("keeper", sys, "start-true", "mean")), mode.equals("inprocess") ? "–" : (med - base >= 0 ? "+" : "") + f1(med - base) + " ms" + (med < base ? " (faster: within the noise)" : ""),
                    checkSummary("keeper", sys, "start-true")));
        }
        table(List.of("mode", "median ms", "min", "max", "mean", "added by the keeper (medians)", "checks"), body);
    }

    void keeperRow(List<List<String>> body, String what, double[] v, double[] peer, int dec) {
        body.add(List.of(what, f(min(v), dec), f(median(v), dec), f(max(v), dec), peer.length == 0 ? "–" : f(median(peer), dec), ""));
    }

    /** The same medians from an earlier run, side by side: what a product change did. */
    void beforeAfter() {
        if (before == null) {
            return;
        }
        String bc = before.m("environment", "git_commit");
        String ac = m("environment", "git_commit");
        p("## " + (nextSection++) + ". Before and after the changes on main");
        p("");
        p("The \"before\" column is a full run of this same suite on `" + bc + "` (" + before.m("environment", "date")
                + "), the \"after\" column is this report's run on `" + ac + "`; section " + nextSection + " says what changed on `main` in between.");
        p("Both are medians; the machine's load differed (see the load tables), so only large differences mean something, and");
        p("CPU per GiB is the steadiest row.");
        p("");
        List<List<String>> body = new ArrayList<>();
        row(body, "capture, 1 agent, MB/s", "capture", "harness", "1-agent", "mbps", 1, 1);
        row(body, "capture, 1 agent, seconds", "capture", "harness", "1-agent", "seconds", 2, 1);
        row(body, "— supervisord in the same run, MB/s", "capture", "supervisord", "1-agent", "mbps", 1, 1);
        row(body, "capture, 1 agent, of which the start command, seconds", "capture", "harness", "1-agent", "start_command", 2, 1);
        row(body, "capture, 3 agents, MB/s", "capture", "harness", "3-agent", "mbps", 1, 1);
        row(body, "capture, 3 agents, seconds", "capture", "harness", "3-agent", "seconds", 2, 1);
        row(body, "capture, 3 agents, of which the start commands, seconds", "capture", "harness", "3-agent", "start_command", 2, 1);
        row(body, "— supervisord in the same run, MB/s", "capture", "supervisord", "3-agent", "mbps", 1, 1);
        row(body, "daemon CPU s per GiB, 1 agent", "capture", "harness", "1-agent", "daemon_cpu_s_per_gib", 2, 1);
        row(body, "daemon CPU s per GiB, 3 agents", "capture", "harness", "3-agent", "daemon_cpu_s_per_gib", 2, 1);
        row(body, "daemon peak RSS MiB, as shipped (3 agents, 1 GiB)", "memory", "harness (default JVM options)", "3-agent", "vmhwm_kib", 1, 1 / 1024.0);
        row(body, "daemon peak RSS MiB, -Xmx64m, database created by the daemon", "memory", "harness -Xmx64m -XX:+UseSerialGC", "3-agent", "vmhwm_kib", 1, 1 / 1024.0);
        row(body, "daemon peak RSS MiB, -Xmx64m, existing database", "memory", "harness -Xmx64m -XX:+UseSerialGC, existing database", "3-agent", "vmhwm_kib", 1, 1 / 1024.0);
        row(body, "`appendBatch` peak RSS MiB, database created by the store", "ceiling", "store", "rss", "rss_kib", 1, 1 / 1024.0);
        row(body, "`appendBatch` peak RSS MiB, existing database", "ceiling", "store-existing", "rss", "rss_kib", 1, 1 / 1024.0);
        row(body, "follow p50 ms", "follow", "harness", "1000-lines", "p50", 1, 1);
        row(body, "follow p99 ms", "follow", "harness", "1000-lines", "p99", 1, 1);
        row(body, "`harness ps` ms", "cli", "harness ps", "status", "median", 1, 1);
        table(List.of("", "before (" + bc + ")", "after (" + ac + ")"), body);
    }

    private void row(List<List<String>> body, String label, String fig, String sys, String scen, String metric, int dec, double scale) {
        body.add(List.of(label, f(median(before.vals(fig, sys, scen, metric)) * scale, dec), f(median(vals(fig, sys, scen, metric)) * scale, dec)));
    }

    void planSection() throws IOException {
        p("## " + (nextSection++) + ". Findings and plan");
        p("");
        Path src = planFile;
        if (src != null && Files.exists(src)) {
            String text = Files.readString(src);
            // {{fig|sys|scen|metric|stat|decimals|scale}} placeholders, so that the prose quotes measured numbers only.
            StringBuilder out = new StringBuilder();
            int at = 0;
            while (true) {
                int open = text.indexOf("{{", at);
                if (open < 0) {
                    out.append(text.substring(at));
                    break;
                }
                int close = text.indexOf("}}", open);
                out.append(text, at, open);
                out.append(placeholder(text.substring(open + 2, close)));
                at = close + 2;
            }
            md.append(out);
            p("");
        } else {
            p("(no plan: " + src + " is missing)");
            p("");
        }
    }

    String placeholder(String spec) {
        if (spec.startsWith("before:")) {
            return before == null ? "n/a" : before.placeholder(spec.substring("before:".length()));
        }
        String[] a = spec.split("\\|", -1);
        if (a[0].equals("calc")) {
            // calc|decimals|expression: + - * / and parentheses over numbers and [fig/sys/scen/metric/stat] terms
            // (or [meta/fig/key]); for derived figures such as "seconds saved", always from measured values.
            return f(new Calc(spec.substring(spec.indexOf('|', 5) + 1)).eval(), Integer.parseInt(a[1]));
        }
        if (a[0].equals("jfr")) {
            // jfr|kind|thread|method: that method's share of the thread's samples of that kind, in percent
            return f(jfrShare(a[1], a[2], a[3]), 0);
        }
        if (a[0].equals("ratio")) {
            // ratio|fig|sys|scen|metric|fig|sys|scen|metric|decimals
            double x = stat(a[1], a[2], a[3], a[4], "median");
            double y = stat(a[5], a[6], a[7], a[8], "median");
            return f(x / y, Integer.parseInt(a[9]));
        }
        double v = stat(a[0], a[1], a[2], a[3], a[4]);
        double scale = a.length > 6 && !a[6].isEmpty() ? Double.parseDouble(a[6]) : 1;
        return f(v * scale, a.length > 5 && !a[5].isEmpty() ? Integer.parseInt(a[5]) : 1);
    }

    /** A tiny recursive-descent evaluator for the calc placeholder. */
    final class Calc {
        private final String in;
        private int at;

        Calc(String in) {
            this.in = in;
        }

        double eval() {
            double v = sum();
            skip();
            if (at != in.length()) {
                throw new IllegalArgumentException("calc: unexpected '" + in.substring(at) + "' in " + in);
            }
            return v;
        }

        private double sum() {
            double v = product();
            while (true) {
                skip();
                if (peek('+')) {
                    at++;
                    v += product();
                } else if (peek('-')) {
                    at++;
                    v -= product();
                } else {
                    return v;
                }
            }
        }

        private double product() {
            double v = atom();
            while (true) {
                skip();
                if (peek('*')) {
                    at++;
                    v *= atom();
                } else if (peek('/')) {
                    at++;
                    v /= atom();
                } else {
                    return v;
                }
            }
        }

        private double atom() {
            skip();
            if (peek('(')) {
                at++;
                double v = sum();
                skip();
                at++; // ')'
                return v;
            }
            if (peek('[')) {
                int end = in.indexOf(']', at);
                String[] t = in.substring(at + 1, end).split("/");
                at = end + 1;
                if (t[0].equals("meta")) {
                    try {
                        return Double.parseDouble(m(t[1], t[2]));
                    } catch (NumberFormatException e) {
                        return Double.NaN; // that figure was not run: the prose says n/a
                    }
                }
                return stat(t[0], t[1], t[2], t[3], t[4]);
            }
            int start = at;
            while (at < in.length() && (Character.isDigit(in.charAt(at)) || in.charAt(at) == '.')) {
                at++;
            }
            return Double.parseDouble(in.substring(start, at));
        }

        private boolean peek(char c) {
            return at < in.length() && in.charAt(at) == c;
        }

        private void skip() {
            while (at < in.length() && in.charAt(at) == ' ') {
                at++;
            }
        }
    }

    double jfrShare(String kind, String thread, String method) {
        try {
            List<String[]> lines = Files.readAllLines(dir.resolve("profile-jfr.tsv")).stream().map(l -> l.split("\t"))
                    .filter(x -> x.length == 4 && x[0].equals(kind) && x[1].equals(thread)).toList();
            double all = lines.stream().filter(x -> x[2].equals("*")).mapToDouble(x -> Double.parseDouble(x[3])).sum();
            double sel = lines.stream().filter(x -> x[2].equals(method)).mapToDouble(x -> Double.parseDouble(x[3])).sum();
            return all == 0 ? Double.NaN : 100 * sel / all;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    double stat(String fig, String sys, String scen, String metric, String stat) {
        double[] v = vals(fig, sys, scen, metric);
        return switch (stat) {
            case "median" -> median(v);
            case "min" -> min(v);
            case "max" -> max(v);
            case "one" -> v.length == 0 ? Double.NaN : v[0];
            case "sum" -> Arrays.stream(v).sum();
            default -> throw new IllegalArgumentException(stat);
        };
    }

    void checksSection() {
        p("## Checks");
        p("");
        p("Every run verifies what it captured. For the harness: the session's byte counter, its status, and `harness tail -n all`");
        p("piped into `wc -c` and `sha256sum`, compared with `Gen`'s own output; for the peers and the plain file: the log file's");
        p("size and sha256; in the follow figure, that every line arrived exactly once; in the store figure, counts and a byte-for-byte");
        p("comparison of `tail -n all big` with Gen. `bench/run.sh` exits non-zero when a check of the harness fails.");
        p("");
        Set<String> keys = new LinkedHashSet<>();
        for (Check c : checks) {
            keys.add(c.fig + "\t" + c.sys);
        }
        List<List<String>> body = new ArrayList<>();
        for (String k : keys) {
            String[] a = k.split("\t");
            List<Check> cs = checks(c -> c.fig.equals(a[0]) && c.sys.equals(a[1]));
            long bad = cs.stream().filter(c -> !c.ok()).count();
            body.add(List.of(a[0], a[1], String.valueOf(cs.size()), bad == 0 ? "0" : "**" + bad + "**"));
        }
        table(List.of("figure", "system", "checks", "failed"), body);
        List<Check> failed = checks(c -> !c.ok());
        if (!failed.isEmpty()) {
            p("Failed checks:");
            p("");
            List<List<String>> fb = new ArrayList<>();
            for (Check c : failed) {
                fb.add(List.of(c.fig, c.sys, c.scen, c.run, c.what, abbreviate(c.want), abbreviate(c.got)));
            }
            table(List.of("figure", "system", "scenario", "run", "check", "expected", "got"), fb);
        }
    }

    static String abbreviate(String s) {
        return s.length() > 20 ? s.substring(0, 12) + "…" : s;
    }

    void leftOut() {
        if (leftOutFile != null && Files.exists(leftOutFile)) {
            try {
                md.append(Files.readString(leftOutFile));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

}
