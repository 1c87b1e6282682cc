package dev.agentharness.store;

import dev.agentharness.core.error.HarnessException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The home's {@code config} file: {@code key = value} lines, {@code #} comments and blank lines
 * ignored, a key given several times keeps every value in order (so {@code notify} can name several
 * sinks). A missing file is an empty config. Values may hold secrets (webhook tokens): this class
 * never logs them.
 */
public final class HomeConfig {
    private final Map<String, List<String>> values;

    private HomeConfig(Map<String, List<String>> values) {
        this.values = values;
    }

    public static HomeConfig empty() {
        return new HomeConfig(Map.of());
    }

    /** Reads {@code file}; a line without {@code =} is an error naming the file and the line number. */
    public static HomeConfig read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return empty();
        } catch (IOException e) {
            throw new HarnessException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new HarnessException(file + " line " + (i + 1) + ": expected key = value");
            }
            values.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>()).add(line.substring(eq + 1).strip());
        }
        return new HomeConfig(values);
    }

    /** Every value of {@code key}, in file order; empty when it is not set. */
    public List<String> all(String key) {
        return List.copyOf(values.getOrDefault(key, List.of()));
    }

    /** The last value of {@code key}, or null. */
    public String get(String key) {
        List<String> v = values.get(key);
        return v == null || v.isEmpty() ? null : v.get(v.size() - 1);
    }
}
