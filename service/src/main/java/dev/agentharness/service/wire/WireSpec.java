package dev.agentharness.service.wire;

import dev.agentharness.core.error.BadRequestException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentharness.core.DurationFormat;
import dev.agentharness.core.ProjectDirs;
import dev.agentharness.agents.AgentProfiles;
import dev.agentharness.core.RestartPolicy;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.supervisor.notify.SinkAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A start request's {@code spec} object, both ways:
 * {@code {"name":"a","command":["sh","-c","…"],"cwd":"/abs","env":{"K":"V"},"slot":2,"runId":"…",
 * "maxRuntime":"2h","stallTimeout":"5m","restart":"on-failure","maxRestarts":3,"metadata":{…},
 * "tty":true,"size":"120x40","interactive":true,"project":"/abs","notify":["cmd:/bin/x","https://…"]}}.
 * A spec without {@code project} is filed under the project of its cwd ({@link ProjectDirs}).
 * Only command and cwd are required; durations use {@link DurationFormat}. Environment values
 * travel only over the 0600 socket and are never logged or echoed back.
 */
public final class WireSpec {
    private WireSpec() {
    }

    /**
     * @param mapper converts the metadata, if there is any (asked only then: a start from the
     *               command line has none and needs no mapper)
     */
    public static ObjectNode toJson(SessionSpec spec, Supplier<ObjectMapper> mapper) {
        ObjectNode n = WireJson.object();
        if (spec.name() != null) {
            n.put("name", spec.name());
        }
        ArrayNode command = n.putArray("command");
        spec.command().forEach(command::add);
        n.put("cwd", spec.cwd());
        if (!spec.env().isEmpty()) {
            ObjectNode env = n.putObject("env");
            spec.env().forEach(env::put);
        }
        if (spec.requestedSlot() != null) {
            n.put("slot", spec.requestedSlot());
        }
        if (spec.runId() != null) {
            n.put("runId", spec.runId());
        }
        if (spec.maxRuntime() != null) {
            n.put("maxRuntime", DurationFormat.format(spec.maxRuntime()));
        }
        if (spec.stallTimeout() != null) {
            n.put("stallTimeout", DurationFormat.format(spec.stallTimeout()));
        }
        n.put("restart", spec.restartPolicy().mode().wireName());
        if (spec.restartPolicy().mode() != RestartPolicy.Mode.NO) {
            n.put("maxRestarts", spec.restartPolicy().maxRestarts());
        }
        if (!spec.metadata().isEmpty()) {
            n.set("metadata", mapper.get().valueToTree(spec.metadata()));
        }
        if (spec.terminal() != null) {
            n.put("tty", true);
            n.put("size", spec.terminal().toString());
        }
        if (spec.interactive()) {
            n.put("interactive", true);
        }
        if (spec.project() != null) {
            n.put("project", spec.project());
        }
        if (!spec.notifySinks().isEmpty()) {
            ArrayNode notify = n.putArray("notify");
            spec.notifySinks().forEach(notify::add);
        }
        if (spec.agent() != null) {
            n.put("agent", spec.agent());
        }
        return n;
    }

    /**
     * @throws BadRequestException for structural problems
     * @throws IllegalArgumentException for values that are well-formed JSON but not acceptable
     */
    public static SessionSpec fromJson(JsonNode n, ObjectMapper mapper) {
        if (n == null || !n.isObject()) {
            throw new BadRequestException("field 'spec' must be an object");
        }
        String name = JsonFields.optionalText(n, "name");
        if (name != null && name.isBlank()) {
            throw new IllegalArgumentException("a session name must not be blank");
        }
        List<String> command = command(n.get("command"));
        String cwd = JsonFields.requireText(n, "cwd");
        if (!cwd.startsWith("/")) {
            throw new IllegalArgumentException("cwd must be an absolute path, not '" + cwd + "'");
        }
        Map<String, String> env = env(n.get("env"));
        Integer slot = JsonFields.optionalInt(n, "slot");
        if (slot != null && slot < 1) {
            throw new IllegalArgumentException("invalid slot " + slot);
        }
        String runId = JsonFields.optionalText(n, "runId");
        String maxRuntime = JsonFields.optionalText(n, "maxRuntime");
        String stallTimeout = JsonFields.optionalText(n, "stallTimeout");
        String restart = JsonFields.optionalText(n, "restart");
        Integer maxRestarts = JsonFields.optionalInt(n, "maxRestarts");
        if (maxRestarts != null && maxRestarts < 0) {
            throw new IllegalArgumentException("maxRestarts must not be negative");
        }
        RestartPolicy.Mode mode = restart == null ? RestartPolicy.Mode.NO : RestartPolicy.Mode.fromWireName(restart);
        RestartPolicy policy = mode == RestartPolicy.Mode.NO ? RestartPolicy.NO
                : new RestartPolicy(mode, maxRestarts == null ? RestartPolicy.DEFAULT_MAX_RESTARTS : maxRestarts);
        String agent = JsonFields.optionalText(n, "agent");
        if (agent != null && new AgentProfiles().byName(agent).isEmpty()) {
            throw new IllegalArgumentException("unknown agent '" + agent + "' (known: "
                    + String.join(", ", new AgentProfiles().names()) + ")");
        }
        Map<String, Object> metadata = metadata(n.get("metadata"), mapper);
        TerminalSize terminal = terminal(n);
        boolean interactive = JsonFields.optionalBoolean(n, "interactive");
        // Before anything makes a path of them (a project is found from the cwd): one clear line.
        String nul = SessionSpec.nulProblem(name, command, cwd, env);
        if (nul != null) {
            throw new IllegalArgumentException(nul);
        }
        String project = JsonFields.optionalText(n, "project");
        if (project != null && !project.startsWith("/")) {
            throw new IllegalArgumentException("project must be an absolute path, not '" + project + "'");
        }
        List<String> notify = notify(n.get("notify"));
        SessionSpec spec = SessionSpec.builder(command, cwd)
                .name(name == null ? null : name.strip())
                .env(env)
                .requestedSlot(slot)
                .runId(runId)
                .maxRuntime(maxRuntime == null ? null : DurationFormat.parse(maxRuntime))
                .stallTimeout(stallTimeout == null ? null : DurationFormat.parse(stallTimeout))
                .restartPolicy(policy)
                .metadata(metadata)
                .terminal(terminal)
                .interactive(interactive)
                .project(project != null ? project : ProjectDirs.projectOf(cwd))
                .notifySinks(notify)
                .agent(agent)
                .build();
        return spec;
    }

    /** Sink addresses, each checked; the error never repeats a URL whole. */
    private static List<String> notify(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new BadRequestException("field 'notify' must be an array of strings");
        }
        List<String> sinks = new ArrayList<>();
        for (JsonNode sink : node) {
            if (!sink.isTextual()) {
                throw new BadRequestException("field 'notify' must be an array of strings");
            }
            sinks.add(SinkAddress.parse(sink.asText()).raw());
        }
        return sinks;
    }

    /** {@code "tty":true} with an optional {@code "size"}: a terminal session, 120x40 unless sized. */
    private static TerminalSize terminal(JsonNode n) {
        String size = JsonFields.optionalText(n, "size");
        if (!JsonFields.optionalBoolean(n, "tty")) {
            if (size != null) {
                throw new IllegalArgumentException("'size' is for terminal sessions (\"tty\":true)");
            }
            return null;
        }
        return size == null ? TerminalSize.DEFAULT : TerminalSize.parse(size);
    }

    private static List<String> command(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new BadRequestException("missing field 'command'");
        }
        if (!node.isArray()) {
            throw new BadRequestException("field 'command' must be an array of strings");
        }
        if (node.isEmpty()) {
            throw new IllegalArgumentException("no command given");
        }
        List<String> argv = new ArrayList<>();
        for (JsonNode arg : node) {
            if (!arg.isTextual()) {
                throw new BadRequestException("field 'command' must be an array of strings");
            }
            argv.add(arg.asText());
        }
        if (argv.get(0).isEmpty()) {
            throw new IllegalArgumentException("the command's program must not be empty");
        }
        return argv;
    }

    private static Map<String, String> env(JsonNode node) {
        Map<String, String> env = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return env;
        }
        if (!node.isObject()) {
            throw new BadRequestException("field 'env' must be an object of strings");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new BadRequestException("field 'env' must be an object of strings");
            }
            if (e.getKey().isEmpty() || e.getKey().indexOf('=') >= 0 || e.getKey().indexOf('\0') >= 0) {
                throw new IllegalArgumentException("invalid environment variable name '" + e.getKey() + "'");
            }
            env.put(e.getKey(), e.getValue().asText());
        }
        return env;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metadata(JsonNode node, ObjectMapper mapper) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new BadRequestException("field 'metadata' must be an object");
        }
        return mapper.convertValue(node, LinkedHashMap.class);
    }
}
