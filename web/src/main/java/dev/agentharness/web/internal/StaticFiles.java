package dev.agentharness.web.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The page and its scripts, from the classpath ({@code dev/agentharness/web/static/}). Only plain
 * names of known types are served, so no path can climb out of that directory.
 */
final class StaticFiles {
    private static final String ROOT = "dev/agentharness/web/static";
    private static final Pattern SAFE = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)+");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "png", "image/png",
            "svg", "image/svg+xml");

    /** Files do not change while the server runs: each is read once. */
    private final Map<String, File> cache = new ConcurrentHashMap<>();
    private final ClassLoader loader;

    record File(String contentType, byte[] bytes) {
    }

    StaticFiles(ClassLoader loader) {
        this.loader = loader;
    }

    /** The file at {@code path} ("/" is the page), or null. */
    File get(String path) throws IOException {
        String p = path.equals("/") ? "/index.html" : path;
        if (!SAFE.matcher(p).matches() || p.contains("..")) {
            return null;
        }
        String type = TYPES.get(p.substring(p.lastIndexOf('.') + 1));
        if (type == null) {
            return null;
        }
        File cached = cache.get(p);
        if (cached != null) {
            return cached;
        }
        try (InputStream in = loader.getResourceAsStream(ROOT + p)) {
            if (in == null) {
                return null;
            }
            File f = new File(type, in.readAllBytes());
            cache.put(p, f);
            return f;
        }
    }
}
