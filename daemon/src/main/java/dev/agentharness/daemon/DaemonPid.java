package dev.agentharness.daemon;

import dev.agentharness.store.HarnessHome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The pid written into {@code daemon.lock} by whoever holds (or last held) the supervisor lock. */
public final class DaemonPid {
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private DaemonPid() {
    }

    public static OptionalLong read(HarnessHome home) {
        try {
            byte[] bytes = Files.readAllBytes(home.daemonLock());
            Matcher m = NUMBER.matcher(new String(bytes, 0, Math.min(bytes.length, 256), StandardCharsets.UTF_8));
            return m.find() ? OptionalLong.of(Long.parseLong(m.group())) : OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The lock's pid, if that process is alive (it may still be a recycled pid; the lock itself decides). */
    public static OptionalLong readAlive(HarnessHome home) {
        OptionalLong pid = read(home);
        if (pid.isPresent() && ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive).orElse(false)) {
            return pid;
        }
        return OptionalLong.empty();
    }
}
