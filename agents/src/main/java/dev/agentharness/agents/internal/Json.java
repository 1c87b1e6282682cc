package dev.agentharness.agents.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentharness.agents.MalformedLineException;

/** Reading one line of JSON Lines. */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** The line as a JSON object; blank lines are null (nothing to do). */
    public static JsonNode object(String line) throws MalformedLineException {
        String t = line.strip();
        if (t.isEmpty()) {
            return null;
        }
        if (t.charAt(0) != '{') {
            throw new MalformedLineException("not a JSON object");
        }
        try {
            JsonNode n = MAPPER.readTree(t);
            if (n == null || !n.isObject()) {
                throw new MalformedLineException("not a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new MalformedLineException("malformed JSON: " + e.getOriginalMessage());
        }
    }

    public static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }

    public static long count(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v != null && v.isNumber() ? Math.max(0, v.asLong()) : 0;
    }
}
