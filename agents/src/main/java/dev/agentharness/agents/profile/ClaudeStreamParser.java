package dev.agentharness.agents.profile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentharness.agents.AgentOutputParser;
import dev.agentharness.agents.MalformedLineException;
import dev.agentharness.agents.ParseState;
import dev.agentharness.agents.internal.InputSummary;
import dev.agentharness.agents.internal.Json;
import dev.agentharness.core.AgentUsage;
import dev.agentharness.core.EventType;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/**
 * Claude Code's {@code --output-format stream-json}: a {@code system}/{@code init} line (session_id,
 * model), {@code assistant} lines (message.usage, tool_use blocks), {@code user} lines (tool
 * results, ignored) and a {@code result} line (total_cost_usd, usage, num_turns, is_error, subtype,
 * duration_ms). {@code --output-format json} prints only the result line, which this reads too.
 *
 * <p>Tokens: assistant lines add up as they come (an API message that spans several lines, one per
 * content block, repeats its usage and counts once); the result line then replaces them with its
 * own totals, which are the authority. The cost is the one Claude Code reports.
 */
final class ClaudeStreamParser implements AgentOutputParser {
    private static final String SYNTHETIC_MODEL = "<synthetic>";

    /** Message ids whose usage was counted; lost on a daemon restart, until the result corrects it. */
    private final Set<String> counted = new HashSet<>();

    @Override
    public void parse(String line, ParseState state) throws MalformedLineException {
        JsonNode n = Json.object(line);
        if (n == null) {
            return;
        }
        String type = Json.text(n, "type");
        if (type == null) {
            throw new MalformedLineException("a JSON line without a type");
        }
        switch (type) {
            case "system" -> system(n, state);
            case "assistant" -> assistant(n, state);
            case "result" -> result(n, state);
            default -> {
                // user (tool results), stream_event, ...: nothing the harness keeps
            }
        }
    }

    private static void system(JsonNode n, ParseState state) {
        if (!"init".equals(Json.text(n, "subtype"))) {
            return;
        }
        AgentUsage u = state.usage();
        String id = Json.text(n, "session_id");
        String model = Json.text(n, "model");
        state.usage(u.withAgentSessionId(id != null ? id : u.agentSessionId()).withModel(model != null ? model : u.model()));
        state.event(EventType.AGENT_SESSION, "agentSessionId", id, "model", model);
    }

    private void assistant(JsonNode n, ParseState state) {
        JsonNode message = n.path("message");
        AgentUsage u = state.usage();
        String model = Json.text(message, "model");
        if (model != null && !model.equals(SYNTHETIC_MODEL) && u.model() == null) {
            u = u.withModel(model);
        }
        JsonNode usage = message.get("usage");
        String messageId = Json.text(message, "id");
        if (usage != null && usage.isObject() && (messageId == null || counted.add(messageId))) {
            u = u.withTokens(u.inputTokens() + Json.count(usage, "input_tokens"),
                    u.outputTokens() + Json.count(usage, "output_tokens"),
                    u.cacheReadTokens() + Json.count(usage, "cache_read_input_tokens"),
                    u.cacheWriteTokens() + Json.count(usage, "cache_creation_input_tokens"));
        }
        JsonNode content = message.get("content");
        if (content != null && content.isArray()) {
            for (JsonNode block : content) {
                if ("tool_use".equals(Json.text(block, "type"))) {
                    u = u.withToolCalls(u.toolCalls() + 1);
                    state.event(EventType.TOOL_CALL, "tool", Json.text(block, "name"),
                            "input", InputSummary.of(block.get("input")), "toolUseId", Json.text(block, "id"));
                }
            }
        }
        state.usage(u);
    }

    private static void result(JsonNode n, ParseState state) {
        AgentUsage u = state.usage();
        JsonNode usage = n.get("usage");
        if (usage != null && usage.isObject()) {
            u = u.withTokens(Json.count(usage, "input_tokens"), Json.count(usage, "output_tokens"),
                    Json.count(usage, "cache_read_input_tokens"), Json.count(usage, "cache_creation_input_tokens"));
        }
        JsonNode cost = n.get("total_cost_usd");
        if (cost != null && cost.isNumber() && cost.asDouble() >= 0) {
            u = u.withCostUsd(cost.asDouble());
        }
        JsonNode turns = n.get("num_turns");
        if (turns != null && turns.isNumber()) {
            u = u.withTurns(turns.asInt());
        }
        String id = Json.text(n, "session_id");
        if (id != null) {
            u = u.withAgentSessionId(id);
        }
        if (u.model() == null) {
            Iterator<String> models = n.path("modelUsage").fieldNames();
            if (models.hasNext()) {
                u = u.withModel(models.next());
            }
        }
        boolean isError = n.path("is_error").asBoolean(false);
        String subtype = Json.text(n, "subtype");
        // Offline, Claude Code says subtype "success" with is_error true: the error wins.
        String status = isError ? (subtype == null || subtype.equals("success") ? "error" : subtype)
                : (subtype == null ? "success" : subtype);
        u = u.withResultStatus(status);
        state.usage(u);
        JsonNode duration = n.get("duration_ms");
        state.event(EventType.TURN_RESULT, "status", status, "subtype", subtype, "isError", isError,
                "costUsd", u.costUsd(), "turns", u.turns(),
                "durationMs", duration != null && duration.isNumber() ? duration.asLong() : null,
                "inputTokens", u.inputTokens(), "outputTokens", u.outputTokens(),
                "cacheReadTokens", u.cacheReadTokens(), "cacheWriteTokens", u.cacheWriteTokens(),
                "error", isError && Json.text(n, "result") != null ? InputSummary.cut(Json.text(n, "result")) : null);
    }
}
