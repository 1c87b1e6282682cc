package dev.agentharness.supervisor.notify;

import java.net.http.HttpClient;
import java.util.Map;

/** Makes the {@link Sink} for an address; one HTTP client (and its connection pool) for all webhooks. */
public final class Sinks {
    private final HttpClient http;
    private final NotifySettings settings;
    private final String userAgent;

    public Sinks(NotifySettings settings, String userAgent) {
        this.settings = settings;
        this.userAgent = userAgent;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * @param env for a command sink: variables set on top of the daemon's environment
     */
    public Sink forAddress(SinkAddress address, Map<String, String> env) {
        return switch (address.kind()) {
            case WEBHOOK -> new WebhookSink(http, address, settings.timeout(), userAgent);
            case COMMAND -> new CommandSink(address, settings.timeout(), env);
        };
    }
}
