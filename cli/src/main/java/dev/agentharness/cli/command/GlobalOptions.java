package dev.agentharness.cli.command;

/** Options that apply to every command, wherever they appear on the line. */
public final class GlobalOptions {
    private String home;
    private boolean debug;

    public String home() {
        return home;
    }

    void home(String value) {
        home = value;
    }

    public boolean debug() {
        return debug;
    }

    void debug(boolean value) {
        debug = value;
    }
}
