package dev.agentharness.cli.it;

import dev.agentharness.supervisor.testing.WebhookReceiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Lifecycle notifications through the real CLI and daemon: webhooks to a real HTTP server on
 * loopback, configured in the home's config file; a command sink given with --notify.
 */
class NotifyIT extends HarnessIT {
    private static final String SECRET = "xoxb-T0KEN-s3cr3t";
    private static final ObjectMapper JSON = new ObjectMapper();

    private WebhookReceiver receiver;

    @AfterEach
    void stopReceiver() {
        if (receiver != null) {
            receiver.close();
        }
    }

    private void configure(String... lines) throws Exception {
        Files.createDirectories(harness.home);
        Files.writeString(harness.home.resolve("config"), String.join("\n", lines) + "\n");
    }

    private List<JsonNode> accepted(String event) {
        return receiver.accepted().stream().map(r -> {
            try {
                return JSON.readTree(r.body());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).filter(n -> n.path("event").asText().equals(event)).toList();
    }

    @Test
    void aSessionWaitingAtAPromptIsAnnouncedWithinASecondOfDetection() throws Exception {
        receiver = new WebhookReceiver();
        configure("notify = " + receiver.url(SECRET));
        String id = harness.run("start", "--", "sh", "-c", "printf 'Apply the migration? (y/n) '; sleep 60").ok().out().strip();
        HarnessProcesses.awaitTrue("a waiting notification", FUNCTIONAL, () -> !accepted("waiting").isEmpty());
        Instant received = receiver.accepted().stream().filter(r -> r.body().contains("\"event\":\"waiting\"")).findFirst()
                .orElseThrow().at();

        JsonNode payload = accepted("waiting").get(0);
        assertEquals(id, payload.path("session").path("id").asText());
        assertEquals("waiting_checkpoint", payload.path("session").path("status").asText());
        assertEquals(1, payload.path("session").path("slot").asInt());
        assertEquals("(y/n)", payload.path("data").path("question").asText());
        assertEquals(1, accepted("started").size());

        Instant detected = null;
        for (JsonNode e : harness.json("show", id, "--json").path("events")) {
            if (e.path("type").asText().equals("checkpoint")) {
                detected = Instant.parse(e.path("timestamp").asText());
            }
        }
        assertTrue(detected != null, "the checkpoint event is recorded");
        Duration delay = Duration.between(detected, received);
        assertTrue(delay.compareTo(Duration.ofSeconds(1)) < 0, "waiting notification " + delay + " after detection");

        harness.run("stop", id, "--force").ok();
        HarnessProcesses.awaitTrue("a stopped notification", FUNCTIONAL, () -> !accepted("stopped").isEmpty());
        String log = Files.readString(harness.home.resolve("daemon.log"));
        assertFalse(log.contains(SECRET), "the webhook's secret never reaches the log");
    }

    @Test
    void aWebhookThatAnswers500IsRetriedAndNothingIsLostAcrossADaemonRestart() throws Exception {
        receiver = new WebhookReceiver();
        receiver.failNext(Integer.MAX_VALUE);
        configure("notify = " + receiver.url(SECRET), "notify.events = completed");
        harness.run("run", "-q", "--", "true").ok();
        String id = harness.json("ps", "--all", "--json").get(0).path("id").asText();
        HarnessProcesses.awaitTrue("a first, failed attempt", FUNCTIONAL, () -> !receiver.requests().isEmpty());
        harness.run("shutdown").ok();
        assertTrue(accepted("completed").isEmpty());
        int failedAttempts = receiver.requests().size();

        receiver.failNext(0);
        HarnessProcesses.Background daemon = harness.start("daemon");
        HarnessProcesses.awaitTrue("the next daemon to deliver it", FUNCTIONAL, () -> !accepted("completed").isEmpty());
        harness.run("shutdown").ok();
        daemon.await(FUNCTIONAL);

        List<JsonNode> delivered = accepted("completed");
        assertEquals(1, delivered.size(), receiver.requests()::toString);
        assertEquals(id, delivered.get(0).path("session").path("id").asText());
        assertEquals(0, delivered.get(0).path("session").path("exitCode").asInt());
        List<WebhookReceiver.Request> all = receiver.requests();
        assertEquals(500, all.get(0).answered());
        assertEquals(1, all.stream().map(WebhookReceiver.Request::body).distinct().count(),
                "the retry after the restart sends the payload recorded before the first attempt");
        assertEquals(failedAttempts + 1, all.size());
        String log = Files.readString(harness.home.resolve("daemon.log"));
        assertEquals(1, log.lines().filter(l -> l.contains("failed: HTTP 500")).count(), "the failure is logged once:\n" + log);
        assertFalse(log.contains(SECRET), log);
        assertTrue(log.contains("http://127.0.0.1:"), "the sink is named, masked");
    }

    @Test
    void aCommandSinkGivenWithNotifyGetsThePayloadOnStdin() throws Exception {
        Path out = harness.scratch.resolve("notifications.jsonl");
        Path script = harness.scratch.resolve("sink.sh");
        Files.writeString(script, "#!/bin/sh\n{ cat; echo; } >> '" + out + "'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        harness.run("run", "-q", "--notify", "cmd:" + script, "--", "sh", "-c", "exit 3").expect(3);
        HarnessProcesses.awaitTrue("the failed notification in the file", FUNCTIONAL,
                () -> Files.exists(out) && read(out).contains("\"event\":\"failed\""));
        List<String> lines = read(out).lines().filter(l -> !l.isBlank()).toList();
        assertEquals(List.of("started", "failed"), lines.stream().map(l -> {
            try {
                return JSON.readTree(l).path("event").asText();
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList());
        assertEquals(3, JSON.readTree(lines.get(1)).path("session").path("exitCode").asInt());
        JsonNode shown = harness.json("ps", "--all", "--json").get(0);
        assertEquals("cmd:" + script, shown.path("notifySinks").get(0).asText());
    }

    @Test
    void notifyTestSaysWhatEachSinkAnsweredWithoutPrintingSecrets() throws Exception {
        receiver = new WebhookReceiver();
        configure("notify = " + receiver.url(SECRET));
        Result ok = harness.run("notify", "test").ok();
        assertEquals("http://127.0.0.1:" + receiver.port() + "/***: ok, HTTP 204\n", ok.out());
        assertEquals("waiting", JSON.readTree(receiver.accepted().get(0).body()).path("event").asText());

        receiver.failNext(1);
        Result failed = harness.run("notify", "test", "--notify", "cmd:/bin/false").expect(1);
        assertTrue(failed.out().contains("/***: FAILED, HTTP 500"), failed.out());
        assertTrue(failed.out().contains("cmd:/bin/false: FAILED, exit 1"), failed.out());
        assertFalse(failed.out().contains(SECRET) || failed.stderr().contains(SECRET), failed::toString);
        Result listed = harness.run("notify").ok();
        assertFalse(listed.out().contains(SECRET), listed.out());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
