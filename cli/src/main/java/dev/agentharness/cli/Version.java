package dev.agentharness.cli;

import dev.agentharness.service.HarnessVersion;
import picocli.CommandLine;

/** {@code harness --version}: the project version, filled in by the build. */
public final class Version implements CommandLine.IVersionProvider {
    public static String current() {
        return HarnessVersion.current();
    }

    @Override
    public String[] getVersion() {
        return new String[] {"harness " + current() + " (Java " + Runtime.version().feature() + ")"};
    }
}
