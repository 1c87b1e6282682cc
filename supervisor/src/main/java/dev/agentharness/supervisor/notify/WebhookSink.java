package dev.agentharness.supervisor.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * POSTs the payload as {@code application/json}; any 2xx is delivered. Uses the JDK's own HTTP
 * client: one POST with a timeout needs nothing more. Redirects are not followed (a webhook that
 * moves should be reconfigured, not have its payload carried to wherever it points).
 */
final class WebhookSink implements Sink {
    private final HttpClient client;
    private final SinkAddress address;
    private final Duration timeout;
    private final String userAgent;

    WebhookSink(HttpClient client, SinkAddress address, Duration timeout, String userAgent) {
        this.client = client;
        this.address = address;
        this.timeout = timeout;
        this.userAgent = userAgent;
    }

    @Override
    public String deliver(String payload) throws DeliveryException {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(address.raw()))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", userAgent)
                    .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new DeliveryException("invalid URL");
        }
        HttpResponse<Void> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (HttpTimeoutException e) {
            throw new DeliveryException("no answer within " + timeout.toSeconds() + "s");
        } catch (IOException e) {
            // Exception messages of the HTTP client can quote the URL; say only what kind of failure it was.
            throw new DeliveryException(describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted");
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw new DeliveryException("HTTP " + status);
        }
        return "HTTP " + status;
    }

    private static String describe(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e.getCause() instanceof java.nio.channels.UnresolvedAddressException
                || e instanceof java.net.UnknownHostException) {
            return "unknown host";
        }
        return "I/O error (" + e.getClass().getSimpleName() + ")";
    }
}
