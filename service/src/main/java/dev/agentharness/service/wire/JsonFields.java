package dev.agentharness.service.wire;

import dev.agentharness.core.error.BadRequestException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Typed, validating reads of request fields. Structural mistakes (missing field, wrong JSON type)
 * throw {@link BadRequestException}; the caller checks the values themselves.
 */
public final class JsonFields {
    private JsonFields() {
    }

    public static String requireText(JsonNode node, String field) {
        String value = optionalText(node, field);
        if (value == null) {
            throw new BadRequestException("missing field '" + field + "'");
        }
        return value;
    }

    public static String optionalText(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new BadRequestException("field '" + field + "' must be a string");
        }
        return v.asText();
    }

    public static Integer optionalInt(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new BadRequestException("field '" + field + "' must be an integer");
        }
        return v.intValue();
    }

    public static boolean optionalBoolean(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new BadRequestException("field '" + field + "' must be true or false");
        }
        return v.booleanValue();
    }

    public static JsonNode requireObject(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new BadRequestException("missing field '" + field + "'");
        }
        if (!v.isObject()) {
            throw new BadRequestException("field '" + field + "' must be an object");
        }
        return v;
    }
}
