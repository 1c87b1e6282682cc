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
        if (pid.isPresent() && running(pid.getAsLong())) {
            return pid;
        }
        return OptionalLong.empty();
    }

    /**
     * Whether process {@code pid} still runs: it exists and is not a zombie. A daemon runs detached,
     * so once it exits it waits for init to reap it, and {@link ProcessHandle#isAlive()} counts a
     * zombie as alive; where init reaps late (about 2 s in the test VM) every {@code harness
     * shutdown} waited that much longer, and where it never reaps, until its timeout.
     */
    public static boolean running(long pid) {
        try {
            String stat = Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            int close = stat.lastIndexOf(')');
            char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); // no /proc: the JDK's answer
        }
    }
}
