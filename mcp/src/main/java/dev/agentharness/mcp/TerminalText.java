package dev.agentharness.mcp;

import java.util.regex.Pattern;

/**
 * Output as a model should read it: the terminal's escape sequences (colours, cursor moves, titles)
 * taken out, and other control characters too, newlines and tabs kept. A model reading
 * {@code ESC[38;5;246m} pays tokens for nothing and may echo it back; {@code get_output} with
 * {@code raw: true} keeps the bytes as they were written.
 */
final class TerminalText {
    /** CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), DCS/SOS/PM/APC strings, and two-byte escapes. */
    private static final Pattern ESCAPES = Pattern.compile(
            "\u001B\\[[0-?]*[ -/]*[@-~]"
                    + "|\u001B\\][^\u0007\u001B]*(?:\u0007|\u001B\\\\)?"
                    + "|\u001B[PX^_][^\u001B]*(?:\u001B\\\\)?"
                    + "|\u001B[ -/]*[0-~]"
                    + "|\u009B[0-?]*[ -/]*[@-~]");
    /** Every control character but tab and newline (a CR before a newline goes with it). */
    private static final Pattern CONTROLS = Pattern.compile("\r(?=\n)|[\u0000-\u0008\u000B-\u001F\u007F\u0080-\u009F]");

    private TerminalText() {
    }

    static String plain(String text) {
        return CONTROLS.matcher(ESCAPES.matcher(text).replaceAll("")).replaceAll("");
    }
}
