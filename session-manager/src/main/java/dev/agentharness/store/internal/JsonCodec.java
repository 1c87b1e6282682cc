package dev.agentharness.store.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentharness.core.DurationFormat;
import dev.agentharness.core.RestartPolicy;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.core.error.StoreException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The JSON columns: argv, environment, metadata, event data, and whole specs in the start queue.
 *
 * <p>Specs are written field by field rather than by Jackson's record support, so the stored form
 * does not change when a core record grows a component, and so that event data, which passes
 * through {@link #eventData}, can never carry environment values: an {@code env} map becomes the
 * list of its keys wherever it appears, and specs and sessions inside event data are reduced to a
 * summary without them.
 */
public final class JsonCodec {
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() { };
    private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() { };
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT_MAP = new TypeReference<>() { };

    private final ObjectMapper mapper = new ObjectMapper();

    public ObjectMapper mapper() {
        return mapper;
    }

    public String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot store a value as JSON: " + SqlErrors.oneLine(e.getOriginalMessage()), e);
        }
    }

    public Map<String, Object> toMap(JsonNode node) {
        return mapper.convertValue(node, OBJECT_MAP);
    }

    public List<String> readStringList(String json) {
        return read(json, STRING_LIST);
    }

    public Map<String, String> readStringMap(String json) {
        return json == null ? Map.of() : read(json, STRING_MAP);
    }

    public Map<String, Object> readObjectMap(String json) {
        return json == null ? Map.of() : read(json, OBJECT_MAP);
    }

    private <T> T read(String json, TypeReference<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new StoreException("the database holds malformed JSON: " + SqlErrors.oneLine(e.getOriginalMessage()), e);
        }
    }

    /** Event data as stored: environment values removed, times and durations as text. */
    public String eventData(Map<String, Object> data) {
        Object safe = sanitize(null, data == null ? Map.of() : data);
        return write(safe);
    }

    private static Object sanitize(String key, Object value) {
        if (key != null && isEnvironmentKey(key)) {
            if (value instanceof Map<?, ?> m) {
                return new ArrayList<>(new TreeSet<>(m.keySet().stream().map(String::valueOf).toList()));
            }
            return value == null ? null : "[redacted]";
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = String.valueOf(e.getKey());
                out.put(k, sanitize(k, e.getValue()));
            }
            return out;
        }
        if (value instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>();
            for (Object o : c) {
                out.add(sanitize(null, o));
            }
            return out;
        }
        if (value instanceof SessionSpec spec) {
            return specSummary(spec);
        }
        if (value instanceof Session s) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", s.id());
            out.put("name", s.name());
            out.put("status", s.status().wireName());
            out.put("slot", s.slot());
            return out;
        }
        if (value instanceof Instant i) {
            return Times.format(i);
        }
        if (value instanceof Duration d) {
            return DurationFormat.format(d);
        }
        if (value instanceof Enum<?> e) {
            return e.toString();
        }
        if (value instanceof Path p) {
            return p.toString();
        }
        return value;
    }

    private static boolean isEnvironmentKey(String key) {
        return key.equalsIgnoreCase("env") || key.equalsIgnoreCase("environment");
    }

    private static Map<String, Object> specSummary(SessionSpec spec) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", spec.name());
        out.put("command", spec.command());
        out.put("cwd", spec.cwd());
        out.put("envKeys", new ArrayList<>(spec.env().keySet()));
        out.put("requestedSlot", spec.requestedSlot());
        out.put("runId", spec.runId());
        out.put("restartOf", spec.restartOf());
        out.put("project", spec.project());
        out.put("resumeOf", spec.resumeOf());
        out.put("agent", spec.agent());
        return out;
    }

    /** The whole spec, environment included: for the start queue, which must be able to start it later. */
    public String spec(SessionSpec spec) {
        ObjectNode n = mapper.createObjectNode();
        n.put("name", spec.name());
        n.set("command", mapper.valueToTree(spec.command()));
        n.put("cwd", spec.cwd());
        n.set("env", mapper.valueToTree(spec.env()));
        n.put("requestedSlot", spec.requestedSlot());
        n.put("runId", spec.runId());
        n.put("maxRuntimeMs", spec.maxRuntime() == null ? null : spec.maxRuntime().toMillis());
        n.put("stallTimeoutMs", spec.stallTimeout() == null ? null : spec.stallTimeout().toMillis());
        n.put("restartPolicy", spec.restartPolicy().mode().wireName());
        n.put("maxRestarts", spec.restartPolicy().maxRestarts());
        n.put("restartOf", spec.restartOf());
        n.put("restartCount", spec.restartCount());
        n.set("metadata", mapper.valueToTree(spec.metadata()));
        if (spec.terminal() != null) {
            n.put("terminal", spec.terminal().toString());
        }
        n.put("interactive", spec.interactive());
        n.put("project", spec.project());
        n.set("notify", mapper.valueToTree(spec.notifySinks()));
        n.put("agent", spec.agent());
        n.put("resumeOf", spec.resumeOf());
        n.put("agentSessionId", spec.agentSessionId());
        return write(n);
    }

    public SessionSpec readSpec(String json) {
        try {
            JsonNode n = mapper.readTree(json);
            return SessionSpec.builder(mapper.convertValue(n.get("command"), STRING_LIST), text(n, "cwd"))
                    .name(text(n, "name"))
                    .env(n.hasNonNull("env") ? mapper.convertValue(n.get("env"), STRING_MAP) : Map.of())
                    .requestedSlot(n.hasNonNull("requestedSlot") ? n.get("requestedSlot").asInt() : null)
                    .runId(text(n, "runId"))
                    .maxRuntime(n.hasNonNull("maxRuntimeMs") ? Duration.ofMillis(n.get("maxRuntimeMs").asLong()) : null)
                    .stallTimeout(n.hasNonNull("stallTimeoutMs") ? Duration.ofMillis(n.get("stallTimeoutMs").asLong()) : null)
                    .restartPolicy(new RestartPolicy(RestartPolicy.Mode.fromWireName(n.path("restartPolicy").asText("no")),
                            n.path("maxRestarts").asInt(0)))
                    .restartOf(text(n, "restartOf"))
                    .restartCount(n.path("restartCount").asInt(0))
                    .metadata(n.hasNonNull("metadata") ? mapper.convertValue(n.get("metadata"), OBJECT_MAP) : Map.of())
                    .terminal(n.hasNonNull("terminal") ? TerminalSize.parse(n.get("terminal").asText()) : null)
                    .interactive(n.path("interactive").asBoolean(false))
                    .project(text(n, "project"))
                    .notifySinks(n.hasNonNull("notify") ? mapper.convertValue(n.get("notify"), STRING_LIST) : List.of())
                    .agent(text(n, "agent"))
                    .resumeOf(text(n, "resumeOf"))
                    .agentSessionId(text(n, "agentSessionId"))
                    .build();
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new StoreException("the database holds a malformed queued start: " + SqlErrors.oneLine(e.getMessage()), e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
