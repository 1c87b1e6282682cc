package dev.agentharness.core;

import java.nio.charset.StandardCharsets;

/**
 * Makes control characters visible, for the two places where text that someone else chose is shown:
 * a log line ({@link #forLog}), where a newline in a request would forge a second entry and a NUL
 * reaches the file raw, and a terminal ({@link #forTerminal}), where an agent's escape sequences would
 * otherwise set the title, write the clipboard (OSC 52) or make the terminal answer a query.
 *
 * <p>The forms are C's: {@code \n}, {@code \r}, {@code \t}, {@code \e} (ESC), {@code \\}, {@code \xNN}
 * for other C0 bytes, DEL and bytes that are not UTF-8, {@code \u0085} for C1 controls. A backslash is
 * doubled, so that what is shown can be read back unambiguously.
 */
public final class ControlChars {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ControlChars() {
    }

    /** Everything visible, newlines included: one log line stays one line. Null stays null. */
    public static String forLog(String s) {
        if (s == null || clean(s)) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        s.codePoints().forEach(cp -> appendCodePoint(b, cp, false));
        return b.toString();
    }

    /** As {@link #forLog}, for any object's {@code toString()}. */
    public static String forLog(Object o) {
        return o == null ? null : forLog(o.toString());
    }

    /**
     * Bytes as a terminal may show them: newlines and tabs kept (lines stay lines), every other control
     * character and every byte that is not well-formed UTF-8 escaped.
     */
    public static byte[] forTerminal(byte[] bytes, int offset, int length) {
        StringBuilder b = new StringBuilder(length + 16);
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int lead = bytes[i] & 0xFF;
            if (lead < 0x80) {
                appendCodePoint(b, lead, true);
                i++;
                continue;
            }
            int n = Utf8.sequenceLength(bytes, i, end);
            if (n == 0) {
                hex(b, lead);
                i++;
                continue;
            }
            int cp = new String(bytes, i, n, StandardCharsets.UTF_8).codePointAt(0);
            appendCodePoint(b, cp, true);
            i += n;
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static boolean clean(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F || c == '\\' || (c >= 0x80 && c <= 0x9F)) {
                return false;
            }
        }
        return true;
    }

    private static void appendCodePoint(StringBuilder b, int cp, boolean keepLines) {
        switch (cp) {
            case '\n' -> b.append(keepLines ? "\n" : "\\n");
            case '\t' -> b.append(keepLines ? "\t" : "\\t");
            case '\r' -> b.append("\\r");
            case 0x1B -> b.append("\\e");
            case '\\' -> b.append("\\\\");
            default -> {
                if (cp < 0x20 || cp == 0x7F) {
                    hex(b, cp);
                } else if (cp >= 0x80 && cp <= 0x9F) {
                    b.append("\\u00").append(HEX[cp >> 4]).append(HEX[cp & 0xF]);
                } else {
                    b.appendCodePoint(cp);
                }
            }
        }
    }

    private static void hex(StringBuilder b, int v) {
        b.append("\\x").append(HEX[(v >> 4) & 0xF]).append(HEX[v & 0xF]);
    }
}
