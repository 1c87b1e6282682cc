package dev.agentharness.mcp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders for the JSON Schemas of the tools' inputs (draft 2020-12 subset that clients show). */
final class Schemas {
    private Schemas() {
    }

    /** An object with these properties, these required, and no others. */
    static Map<String, Object> object(Map<String, Object> properties, String... required) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "object");
        m.put("properties", properties);
        if (required.length > 0) {
            m.put("required", List.of(required));
        }
        m.put("additionalProperties", false);
        return m;
    }

    static Map<String, Object> props(Object... nameAndSchema) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < nameAndSchema.length; i += 2) {
            m.put((String) nameAndSchema[i], nameAndSchema[i + 1]);
        }
        return m;
    }

    static Map<String, Object> string(String description) {
        return Map.of("type", "string", "description", description);
    }

    static Map<String, Object> enumeration(String description, List<String> values) {
        return Map.of("type", "string", "enum", values, "description", description);
    }

    static Map<String, Object> bool(String description) {
        return Map.of("type", "boolean", "description", description);
    }

    static Map<String, Object> integer(String description, long min, long max) {
        return Map.of("type", "integer", "minimum", min, "maximum", max, "description", description);
    }

    static Map<String, Object> strings(String description, int minItems) {
        return Map.of("type", "array", "items", Map.of("type", "string", "minLength", 1), "minItems", minItems,
                "description", description);
    }

    static Map<String, Object> stringMap(String description) {
        return Map.of("type", "object", "additionalProperties", Map.of("type", "string"), "description", description);
    }
}
