package dev.agentharness.mcp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tool call's arguments, read with the types its input schema promises. Clients do not all check
 * arguments against the schema before they call, so every getter checks again and says which field
 * is wrong and why ({@link InvalidArgumentsException}, JSON-RPC -32602). A field the tool does not
 * know is refused too: a misspelt optional field would otherwise be silently ignored.
 */
public final class ToolArguments {
    private final String tool;
    private final Map<String, Object> values;

    public ToolArguments(String tool, Map<String, Object> values) {
        this.tool = tool;
        this.values = values == null ? Map.of() : values;
    }

    /** Refuses fields other than {@code known}. */
    public ToolArguments only(Set<String> known) {
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw invalid("unknown argument '" + key + "' (expected: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
        return this;
    }

    public boolean has(String field) {
        return values.get(field) != null;
    }

    public String requiredString(String field) {
        String s = string(field);
        if (s == null) {
            throw invalid("'" + field + "' is required");
        }
        return s;
    }

    /** A string, or null when absent; an empty or blank string is refused. */
    public String string(String field) {
        Object v = values.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw invalid("'" + field + "' must be a string");
        }
        if (s.isBlank()) {
            throw invalid("'" + field + "' must not be empty");
        }
        return s;
    }

    /** A string that may be empty (text to send), or null when absent. */
    public String text(String field) {
        Object v = values.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw invalid("'" + field + "' must be a string");
        }
        return s;
    }

    public boolean bool(String field, boolean absent) {
        Object v = values.get(field);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof Boolean b)) {
            throw invalid("'" + field + "' must be true or false");
        }
        return b;
    }

    /** A whole number in [min, max], or null when absent. JSON has one number type: 5.0 is 5, 5.5 is refused. */
    public Long integer(String field, long min, long max) {
        Object v = values.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n)) {
            throw invalid("'" + field + "' must be a whole number");
        }
        double d = n.doubleValue();
        if (d != Math.rint(d) || Double.isInfinite(d)) {
            throw invalid("'" + field + "' must be a whole number");
        }
        if (d < min || d > max) {
            throw invalid("'" + field + "' must be between " + min + " and " + max);
        }
        return n.longValue();
    }

    /** A list of strings, or null when absent; {@code nonEmpty}: at least one; no element empty. */
    public List<String> strings(String field, boolean nonEmpty) {
        Object v = values.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> list)) {
            throw invalid("'" + field + "' must be an array of strings");
        }
        if (nonEmpty && list.isEmpty()) {
            throw invalid("'" + field + "' must not be empty");
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw invalid("'" + field + "' must be an array of strings");
            }
            if (s.isEmpty()) {
                throw invalid("'" + field + "' must not contain an empty string");
            }
            out.add(s);
        }
        return out;
    }

    /** An object whose values are strings (an environment), or null when absent. */
    public Map<String, String> stringMap(String field) {
        Object v = values.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw invalid("'" + field + "' must be an object of string values");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw invalid("'" + field + "." + e.getKey() + "' must be a string");
            }
            out.put(String.valueOf(e.getKey()), s);
        }
        return out;
    }

    /** At most one of {@code fields} may be given. */
    public void atMostOne(String... fields) {
        List<String> given = new ArrayList<>();
        for (String f : fields) {
            if (has(f)) {
                given.add(f);
            }
        }
        if (given.size() > 1) {
            throw invalid("give only one of " + String.join(", ", fields) + " (got " + String.join(" and ", given) + ")");
        }
    }

    public InvalidArgumentsException invalid(String message) {
        return new InvalidArgumentsException(tool + ": " + message);
    }
}
