package dev.agentharness.service;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The project version, filled in by the build: what {@code harness --version} and a daemon's ping report. */
public final class HarnessVersion {
    private HarnessVersion() {
    }

    public static String current() {
        try (InputStream in = HarnessVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
