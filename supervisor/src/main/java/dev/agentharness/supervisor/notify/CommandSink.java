package dev.agentharness.supervisor.notify;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the program as argv (never through a shell) with the payload on its stdin and
 * {@code HARNESS_EVENT} / {@code HARNESS_SESSION} in its environment; exit 0 is delivered. Its own
 * output is discarded: a notifier's chatter does not belong in the daemon's log. Killed after the
 * timeout, so a hung script cannot hold a delivery worker for good.
 */
final class CommandSink implements Sink {
    private final SinkAddress address;
    private final Duration timeout;
    private final Map<String, String> env;

    CommandSink(SinkAddress address, Duration timeout, Map<String, String> env) {
        this.address = address;
        this.timeout = timeout;
        this.env = Map.copyOf(env);
    }

    @Override
    public String deliver(String payload) throws DeliveryException {
        ProcessBuilder pb = new ProcessBuilder(List.of(address.program()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new DeliveryException("cannot run " + address.program() + " (" + firstLine(e.getMessage()) + ")");
        }
        try {
            try (OutputStream in = p.getOutputStream()) {
                in.write(payload.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // It exited without reading its stdin: its exit code says whether that was fine.
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new DeliveryException("no exit within " + timeout.toSeconds() + "s; killed");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted");
        }
        int code = p.exitValue();
        if (code != 0) {
            throw new DeliveryException("exit " + code);
        }
        return "exit 0";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
