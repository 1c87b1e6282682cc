package dev.agentharness.cli;

/** {@code harness}: see {@link HarnessCli}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = new HarnessCli(CliEnvironment.system()).run(args);
        System.exit(code);
    }
}
