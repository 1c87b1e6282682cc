package dev.agentharness.supervisor.internal.watch;

import java.util.regex.Pattern;

/** Removes terminal control sequences, so that prompts can be matched as the user reads them. */
public final class AnsiText {
    private static final Pattern CONTROL = Pattern.compile(
            "\u001B\\[[0-?]*[ -/]*[@-~]"                  // CSI: colours, cursor moves, erases
            + "|\u001B\\][^\u0007\u001B]*(?:\u0007|\u001B\\\\)" // OSC: titles, hyperlinks
            + "|\u001B[PX^_][^\u001B]*\u001B\\\\"          // DCS, SOS, PM, APC strings
            + "|\u001B[@-Z\\\\-_]"                          // other two-character escapes
            + "|[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]"); // remaining C0 controls but \t \n \r

    private AnsiText() {
    }

    public static String strip(String text) {
        return CONTROL.matcher(text).replaceAll("");
    }
}
