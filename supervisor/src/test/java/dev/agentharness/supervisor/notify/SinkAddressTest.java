package dev.agentharness.supervisor.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Webhook URLs carry secrets: only scheme, host and port are ever shown. */
class SinkAddressTest {
    @Test
    void aWebhookIsShownWithoutItsPathQueryOrUserinfo() {
        assertEquals("https://hooks.slack.com/***", SinkAddress.parse("https://hooks.slack.com/services/T0/B0/XyZsecret").masked());
        assertEquals("http://127.0.0.1:8080/***", SinkAddress.parse("http://127.0.0.1:8080/?token=abc").masked());
        assertEquals("https://h.example/***", SinkAddress.parse("https://user:pass@h.example").masked());
        assertEquals("https://ntfy.sh", SinkAddress.parse("https://ntfy.sh/").masked());
        assertEquals("https://h.example/***", SinkAddress.parse("https://h.example/x").toString());
        assertEquals(SinkAddress.Kind.WEBHOOK, SinkAddress.parse("HTTPS://h.example/x").kind());
    }

    @Test
    void aCommandIsShownInFull() {
        SinkAddress cmd = SinkAddress.parse("cmd:/usr/local/bin/notify");
        assertEquals(SinkAddress.Kind.COMMAND, cmd.kind());
        assertEquals("/usr/local/bin/notify", cmd.program());
        assertEquals("cmd:/usr/local/bin/notify", cmd.masked());
    }

    @Test
    void badAddressesAreRefusedWithoutEchoingTheirSecret() {
        var e = assertThrows(IllegalArgumentException.class, () -> SinkAddress.parse("ftp://host/verysecrettoken123"));
        assertFalse(e.getMessage().contains("verysecrettoken123"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SinkAddress.parse("cmd:"));
        var bad = assertThrows(IllegalArgumentException.class, () -> SinkAddress.parse("https://exa mple/secret-token-xyz"));
        assertFalse(bad.getMessage().contains("secret-token-xyz"), bad.getMessage());
        assertEquals("(invalid sink)", SinkAddress.mask("nonsense"));
    }

    @Test
    void retriesBackOffDoublingUpToTheCap() {
        NotifySettings s = NotifySettings.defaults().withRetries(Duration.ofSeconds(2), Duration.ofSeconds(10), 8);
        assertEquals(Duration.ofSeconds(2), s.retryDelay(1));
        assertEquals(Duration.ofSeconds(4), s.retryDelay(2));
        assertEquals(Duration.ofSeconds(8), s.retryDelay(3));
        assertEquals(Duration.ofSeconds(10), s.retryDelay(4));
        assertEquals(Duration.ofSeconds(10), s.retryDelay(7));
    }
}
