package dev.agentharness.supervisor.notify;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a notification goes, as the user wrote it: {@code cmd:PROGRAM} (run with the payload on its
 * stdin, no shell, no arguments: wrap {@code notify-send} or a Slack call in a script) or an
 * {@code http://} / {@code https://} URL (a webhook, POSTed the payload).
 *
 * <p>Webhook URLs carry their secret in the path (Slack, Discord), the query ({@code ?token=})
 * or the userinfo; {@link #masked()} keeps only the scheme, host and port, which is all a log or a
 * listing ever shows. {@link #toString()} is the masked form too.
 */
public final class SinkAddress {
    public enum Kind { WEBHOOK, COMMAND }

    private static final String CMD = "cmd:";

    private final String raw;
    private final Kind kind;
    private final String masked;

    private SinkAddress(String raw, Kind kind, String masked) {
        this.raw = raw;
        this.kind = kind;
        this.masked = masked;
    }

    /** @throws IllegalArgumentException saying what is wrong, without echoing a URL's secret */
    public static SinkAddress parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.strip();
        if (s.startsWith(CMD)) {
            String program = s.substring(CMD.length());
            if (program.isEmpty()) {
                throw new IllegalArgumentException("notification sink 'cmd:' names no program");
            }
            return new SinkAddress(s, Kind.COMMAND, s);
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            URI uri;
            try {
                uri = new URI(s);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("notification sink " + maskLoosely(s) + " is not a valid URL");
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("notification sink " + maskLoosely(s) + " has no host");
            }
            String shown = uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost()
                    + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
                    + (hasMore(uri) ? "/***" : "");
            return new SinkAddress(s, Kind.WEBHOOK, shown);
        }
        throw new IllegalArgumentException("unknown notification sink '" + maskLoosely(s)
                + "' (expected cmd:PROGRAM or an http:// or https:// URL)");
    }

    /** The masked form of a stored address, or a placeholder when it does not parse: safe to show. */
    public static String mask(String raw) {
        try {
            return parse(raw).masked();
        } catch (IllegalArgumentException e) {
            return "(invalid sink)";
        }
    }

    private static boolean hasMore(URI uri) {
        return (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null || uri.getRawUserInfo() != null || uri.getRawFragment() != null;
    }

    /** For text that did not parse: its first few characters at most. */
    private static String maskLoosely(String s) {
        return s.length() <= 12 ? s : s.substring(0, 12) + "***";
    }

    public Kind kind() {
        return kind;
    }

    /** The whole address, secret included: for delivering only. */
    public String raw() {
        return raw;
    }

    /** The program of a command sink. */
    public String program() {
        if (kind != Kind.COMMAND) {
            throw new IllegalStateException("not a command sink");
        }
        return raw.substring(CMD.length());
    }

    /** What may be shown: scheme, host and port of a URL, {@code /***} for the rest; a command in full. */
    public String masked() {
        return masked;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SinkAddress a && a.raw.equals(raw);
    }

    @Override
    public int hashCode() {
        return raw.hashCode();
    }

    @Override
    public String toString() {
        return masked;
    }
}
