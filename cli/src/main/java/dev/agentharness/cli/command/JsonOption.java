package dev.agentharness.cli.command;

import picocli.CommandLine.Option;

/** {@code --json} for commands that show data. */
public final class JsonOption {
    @Option(names = "--json", description = "Print JSON (camelCase fields) instead of text.")
    boolean json;

    public boolean enabled() {
        return json;
    }
}
