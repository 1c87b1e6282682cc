package dev.agentharness.agents.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One short line that says what a tool call was about: the command it ran, the file it touched,
 * the pattern it searched... so that {@code harness show} tells what an agent did without its raw
 * output. Falls back to the input's JSON, cut short.
 */
public final class InputSummary {
    /** Long enough for a command line or a path, short enough for one line of {@code show}. */
    public static final int MAX = 160;

    private static final List<String> TELLING_FIELDS = List.of("command", "cmd", "file_path", "path", "absolute_path",
            "notebook_path", "pattern", "url", "query", "description", "prompt", "skill");

    private InputSummary() {
    }

    public static String of(JsonNode input) {
        if (input == null || input.isNull() || input.isMissingNode()) {
            return "";
        }
        if (input.isTextual()) {
            return cut(input.asText());
        }
        for (String field : TELLING_FIELDS) {
            JsonNode v = input.get(field);
            if (v != null && v.isTextual() && !v.asText().isBlank()) {
                return cut(v.asText());
            }
            if (v != null && v.isArray() && !v.isEmpty()) {
                return cut(joined(v));
            }
        }
        return cut(input.toString());
    }

    public static String cut(String text) {
        String one = text.replaceAll("\\s+", " ").strip();
        return one.length() <= MAX ? one : one.substring(0, MAX - 1) + "…";
    }

    private static String joined(JsonNode array) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode v : array) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(v.isTextual() ? v.asText() : v.toString());
        }
        return sb.toString();
    }
}
