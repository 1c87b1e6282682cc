package dev.agentharness.agents.profile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentharness.agents.AgentOutputParser;
import dev.agentharness.agents.MalformedLineException;
import dev.agentharness.agents.ParseState;
import dev.agentharness.agents.PriceTable;
import dev.agentharness.agents.internal.InputSummary;
import dev.agentharness.agents.internal.Json;
import dev.agentharness.core.AgentUsage;
import dev.agentharness.core.EventType;
import java.util.Iterator;
import java.util.Map;

/**
 * Gemini CLI's {@code --output-format stream-json} (the JsonStreamEventType of its
 * packages/core output types): {@code init} (session_id, model), {@code message}, {@code tool_use}
 * (tool_name, parameters), {@code tool_result}, {@code error} and {@code result} (status, stats:
 * input_tokens, output_tokens, cached, input, duration_ms, tool_calls and the same per model). The
 * result's stats cover the whole session so far, so they replace earlier totals.
 */
final class GeminiStreamParser implements AgentOutputParser {
    /** The model Gemini CLI reports before its router has picked one. */
    private static final String AUTO = "auto";

    private final PriceTable prices;

    GeminiStreamParser(PriceTable prices) {
        this.prices = prices;
    }

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
        AgentUsage u = state.usage();
        switch (type) {
            case "init" -> {
                String id = Json.text(n, "session_id");
                String model = Json.text(n, "model");
                state.usage(u.withAgentSessionId(id != null ? id : u.agentSessionId()).withModel(model != null ? model : u.model()));
                state.event(EventType.AGENT_SESSION, "agentSessionId", id, "model", model);
            }
            case "tool_use" -> {
                state.usage(u.withToolCalls(u.toolCalls() + 1));
                state.event(EventType.TOOL_CALL, "tool", Json.text(n, "tool_name"), "input", InputSummary.of(n.get("parameters")),
                        "toolUseId", Json.text(n, "tool_id"));
            }
            case "result" -> result(n, u, state);
            default -> {
                // message, tool_result, error: nothing the harness keeps
            }
        }
    }

    private void result(JsonNode n, AgentUsage u, ParseState state) {
        JsonNode stats = n.path("stats");
        long cached = Json.count(stats, "cached");
        long input = stats.has("input") ? Json.count(stats, "input") : Math.max(0, Json.count(stats, "input_tokens") - cached);
        long output = Json.count(stats, "output_tokens");
        JsonNode models = stats.path("models");
        if ((u.model() == null || u.model().equals(AUTO)) && models.size() == 1) {
            u = u.withModel(models.fieldNames().next());
        }
        u = u.withTokens(input, output, cached, 0);
        u = u.withCostUsd(cost(models, u));
        String status = Json.text(n, "status");
        u = u.withTurns((u.turns() == null ? 0 : u.turns()) + 1).withResultStatus(status);
        state.usage(u);
        JsonNode duration = stats.get("duration_ms");
        state.event(EventType.TURN_RESULT, "status", status, "turns", u.turns(), "inputTokens", input, "outputTokens", output,
                "cacheReadTokens", cached, "costUsd", u.costUsd(),
                "durationMs", duration != null && duration.isNumber() ? duration.asLong() : null,
                "error", Json.text(n.path("error"), "message"));
    }

    /** Each model at its own price; unknown when any model that used tokens has none. */
    private Double cost(JsonNode models, AgentUsage u) {
        if (models.size() == 0) {
            return prices.cost(u.model(), u.inputTokens(), u.outputTokens(), u.cacheReadTokens(), 0);
        }
        double sum = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = models.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            JsonNode s = m.getValue();
            long cached = Json.count(s, "cached");
            long input = s.has("input") ? Json.count(s, "input") : Math.max(0, Json.count(s, "input_tokens") - cached);
            Double c = prices.cost(m.getKey(), input, Json.count(s, "output_tokens"), cached, 0);
            if (c == null) {
                return null;
            }
            sum += c;
        }
        return sum;
    }
}
