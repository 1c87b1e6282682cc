package dev.agentharness.service.view;

import dev.agentharness.core.DurationFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Short human forms for tables and messages. */
public final class Human {
    private Human() {
    }

    /** 512 → "512B", 1536 → "1.5K", 3 MiB → "3.0M". */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + "B";
        }
        double v = n;
        String units = "KMGTPE";
        int i = -1;
        while (v >= 1024 && i < units.length() - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f%c" : "%.1f%c", v, units.charAt(i));
    }

    /** "3s ago", or "-" for never. */
    public static String ago(Instant then, Instant now) {
        if (then == null) {
            return "-";
        }
        return DurationFormat.humanize(Duration.between(then, now)) + " ago";
    }

    /** How long since, "-" for never: "45s", "12m". */
    public static String age(Instant since, Instant now) {
        return since == null ? "-" : DurationFormat.humanize(Duration.between(since, now));
    }

    /** "1.5s", "2m 5s", "3h 2m", "0s". */
    public static String duration(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms == 0 ? "0s" : ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return s / 60 + "m " + s % 60 + "s";
        }
        if (s < 86_400) {
            return s / 3600 + "h " + (s % 3600) / 60 + "m";
        }
        return s / 86_400 + "d " + (s % 86_400) / 3600 + "h";
    }

    /** The argv as one shell-like line, quoting arguments that need it. */
    public static String command(java.util.List<String> argv) {
        StringBuilder b = new StringBuilder();
        for (String arg : argv) {
            if (b.length() > 0) {
                b.append(' ');
            }
            if (!arg.isEmpty() && arg.matches("[A-Za-z0-9_@%+=:,./-]+")) {
                b.append(arg);
            } else {
                b.append('\'').append(arg.replace("'", "'\\''")).append('\'');
            }
        }
        return b.toString();
    }

    /** Newlines and control characters shown as escapes so a table row stays one line. */
    public static String printable(String s) {
        if (s == null) {
            return "-";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n') {
                b.append("\\n");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                b.append('?');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * A cost in US dollars: {@code $0.0293}, {@code $12.40}; {@code ?} when unknown ({@code known} is
     * false only where no cost could ever be known, shown as {@code -}).
     */
    public static String cost(Double usd, boolean applicable) {
        if (usd == null) {
            return applicable ? "?" : "-";
        }
        return usd < 1 ? String.format(java.util.Locale.ROOT, "$%.4f", usd) : String.format(java.util.Locale.ROOT, "$%.2f", usd);
    }

    /** A token count: 950, 12.3k, 4.1M. */
    public static String tokens(long n) {
        if (n < 1000) {
            return Long.toString(n);
        }
        if (n < 1_000_000) {
            return String.format(java.util.Locale.ROOT, "%.1fk", n / 1000.0);
        }
        return String.format(java.util.Locale.ROOT, "%.1fM", n / 1_000_000.0);
    }
}
