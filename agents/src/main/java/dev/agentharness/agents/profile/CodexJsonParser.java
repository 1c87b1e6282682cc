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

/**
 * Codex's {@code exec --json} (JSON Lines, the shapes of codex-rs/exec/src/exec_events.rs):
 * {@code thread.started} (thread_id), {@code turn.completed} (usage: input_tokens, of which
 * cached_input_tokens were cached, and output_tokens, for that turn), {@code turn.failed},
 * {@code item.started}/{@code item.completed} (commands, MCP tool calls, web searches, file
 * changes) and {@code error}. Turns add up; the cost is priced from the tokens.
 */
final class CodexJsonParser implements AgentOutputParser {
    private final String model;
    private final PriceTable prices;

    CodexJsonParser(String model, PriceTable prices) {
        this.model = model;
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
        if (u.model() == null && model != null) {
            u = u.withModel(model);
            state.usage(u);
        }
        switch (type) {
            case "thread.started" -> {
                String id = Json.text(n, "thread_id");
                state.usage(u.withAgentSessionId(id));
                state.event(EventType.AGENT_SESSION, "agentSessionId", id, "model", u.model());
            }
            case "turn.completed" -> turnCompleted(n.path("usage"), u, state);
            case "turn.failed" -> {
                u = u.withTurns(turns(u) + 1).withResultStatus("error");
                state.usage(u);
                state.event(EventType.TURN_RESULT, "status", "error", "turns", u.turns(),
                        "error", InputSummary.cut(String.valueOf(Json.text(n.path("error"), "message"))));
            }
            case "item.started" -> itemStarted(n.path("item"), state);
            case "item.completed" -> itemCompleted(n.path("item"), state);
            default -> {
                // turn.started, item.updated, error (retries), ...: nothing the harness keeps
            }
        }
    }

    private void turnCompleted(JsonNode usage, AgentUsage u, ParseState state) {
        long input = Json.count(usage, "input_tokens");
        long cached = Math.min(input, Json.count(usage, "cached_input_tokens"));
        long output = Json.count(usage, "output_tokens");
        u = u.withTokens(u.inputTokens() + input - cached, u.outputTokens() + output, u.cacheReadTokens() + cached,
                u.cacheWriteTokens());
        u = u.withCostUsd(prices.cost(u.model(), u.inputTokens(), u.outputTokens(), u.cacheReadTokens(), u.cacheWriteTokens()));
        u = u.withTurns(turns(u) + 1).withResultStatus("success");
        state.usage(u);
        state.event(EventType.TURN_RESULT, "status", "success", "turns", u.turns(), "inputTokens", input - cached,
                "cacheReadTokens", cached, "outputTokens", output, "costUsd", u.costUsd());
    }

    private static void itemStarted(JsonNode item, ParseState state) {
        String type = Json.text(item, "type");
        if (type == null) {
            return;
        }
        switch (type) {
            case "command_execution" -> toolCall(state, "shell", InputSummary.cut(String.valueOf(Json.text(item, "command"))));
            case "mcp_tool_call" -> toolCall(state, Json.text(item, "server") + "." + Json.text(item, "tool"),
                    InputSummary.of(item.get("arguments")));
            case "web_search" -> toolCall(state, "web_search", InputSummary.cut(String.valueOf(Json.text(item, "query"))));
            case "collab_tool_call" -> toolCall(state, "collab." + Json.text(item, "tool"),
                    InputSummary.cut(String.valueOf(Json.text(item, "prompt"))));
            default -> {
            }
        }
    }

    /** File changes are only ever reported completed. */
    private static void itemCompleted(JsonNode item, ParseState state) {
        if (!"file_change".equals(Json.text(item, "type"))) {
            return;
        }
        StringBuilder paths = new StringBuilder();
        for (JsonNode change : item.path("changes")) {
            if (paths.length() > 0) {
                paths.append(' ');
            }
            paths.append(Json.text(change, "kind")).append(' ').append(Json.text(change, "path"));
        }
        toolCall(state, "apply_patch", InputSummary.cut(paths.toString()));
    }

    private static void toolCall(ParseState state, String tool, String input) {
        AgentUsage u = state.usage();
        state.usage(u.withToolCalls(u.toolCalls() + 1));
        state.event(EventType.TOOL_CALL, "tool", tool, "input", input);
    }

    private static int turns(AgentUsage u) {
        return u.turns() == null ? 0 : u.turns();
    }
}
