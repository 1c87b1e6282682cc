package dev.agentharness.cli.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 that takes webhook POSTs, remembers each (with the status it
 * answered) and answers 500 to the first {@link #failNext} requests.
 */
public final class WebhookReceiver implements AutoCloseable {
    public record Request(String path, String body, int answered, Instant at, String contentType) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger failNext = new AtomicInteger();

    public WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int status = failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 500 : 204;
            requests.add(new Request(exchange.getRequestURI().toString(), body, status, Instant.now(),
                    exchange.getRequestHeaders().getFirst("Content-Type")));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "webhook-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** A URL with a secret in its path and query, as real webhook URLs have. */
    public String url(String secret) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/" + secret + "?token=" + secret;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void failNext(int n) {
        failNext.set(n);
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> accepted() {
        return requests.stream().filter(r -> r.answered() / 100 == 2).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
