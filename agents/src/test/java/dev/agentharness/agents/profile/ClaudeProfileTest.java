package dev.agentharness.agents.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.agents.AgentOutputParser;
import dev.agentharness.agents.Fixtures;
import dev.agentharness.agents.LaunchPlan;
import dev.agentharness.agents.MalformedLineException;
import dev.agentharness.agents.ParseState;
import dev.agentharness.agents.PriceTable;
import dev.agentharness.core.AgentUsage;
import dev.agentharness.core.EventType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClaudeProfileTest {
    @Test
    void aProjectsPromptIsTheLastArgument() {
        assertEquals(List.of("claude", "--model", "opus", "fix the tests"),
                new ClaudeProfile().withPrompt(List.of("claude", "--model", "opus"), "fix the tests"));
    }

    private final ClaudeProfile profile = new ClaudeProfile();

    private AgentOutputParser parser() {
        return profile.parser(List.of("claude", "-p", "hi", "--output-format", "stream-json", "--verbose"),
                PriceTable.defaultPrices()).orElseThrow();
    }

    @Test
    void theRecordedOfflineRunGivesItsSessionIdModelZeroCostAndAnErrorResult() {
        Fixtures.Parsed p = Fixtures.parse(parser(), "claude", "claude-offline.stream.jsonl");
        AgentUsage u = p.usage();
        assertEquals(0, p.skipped());
        assertEquals("dfc318f7-2caa-4832-abea-950849eab6d1", u.agentSessionId());
        assertEquals("claude-opus-4-8[1m]", u.model()); // the init line's; the synthetic message's is ignored
        assertEquals(0.0, u.costUsd());
        assertEquals(1, u.turns());
        assertEquals("error", u.resultStatus()); // subtype "success" but is_error true
        assertEquals(0, u.totalTokens());
        List<EventType> types = p.state().events().stream().map(ParseState.Event::type).toList();
        assertEquals(List.of(EventType.AGENT_SESSION, EventType.TURN_RESULT), types);
        Map<String, Object> result = p.state().events().get(1).data();
        assertEquals(true, result.get("isError"));
        assertEquals(207L, result.get("durationMs"));
        assertEquals("Not logged in · Please run /login", result.get("error"));
    }

    @Test
    void toolUseBlocksBecomeToolCallsAndTheResultsTotalsWin() {
        Fixtures.Parsed p = Fixtures.parse(parser(), "claude", "claude-tools.stream.jsonl");
        AgentUsage u = p.usage();
        assertEquals("claude-sonnet-4-5-20250929", u.model());
        assertEquals(0.029295, u.costUsd(), 1e-12);
        assertEquals(20, u.inputTokens());
        assertEquals(135, u.outputTokens());
        assertEquals(38200, u.cacheReadTokens());
        assertEquals(4200, u.cacheWriteTokens());
        assertEquals(3, u.turns());
        assertEquals("success", u.resultStatus());
        assertEquals(2, u.toolCalls());
        List<ParseState.Event> calls = p.state().events().stream().filter(e -> e.type() == EventType.TOOL_CALL).toList();
        assertEquals("Bash", calls.get(0).data().get("tool"));
        assertEquals("mvn -q test -Dtest=ParserTest", calls.get(0).data().get("input"));
        assertEquals("Edit", calls.get(1).data().get("tool"));
        assertEquals("/work/api/src/Parser.java", calls.get(1).data().get("input"));
    }

    @Test
    void beforeTheResultAssistantUsageAddsUpOncePerMessage() {
        AgentOutputParser parser = parser();
        ParseState state = new ParseState(AgentUsage.start("claude", null));
        List<String> lines = Fixtures.lines("claude-tools.stream.jsonl");
        for (String line : lines.subList(0, lines.size() - 1)) {
            try {
                parser.parse(line, state);
            } catch (MalformedLineException e) {
                throw new AssertionError(e);
            }
        }
        // msg_01A appears twice (text, then tool_use) and counts once.
        assertEquals(12 + 5 + 3, state.usage().inputTokens());
        assertEquals(30 + 90 + 15, state.usage().outputTokens());
        assertNull(state.usage().costUsd()); // unknown until Claude Code says
    }

    @Test
    void truncatedAndPlainLinesAreMalformed() {
        AgentOutputParser parser = parser();
        ParseState state = new ParseState(AgentUsage.start("claude", null));
        String init = Fixtures.lines("claude-offline.stream.jsonl").get(0);
        assertThrows(MalformedLineException.class, () -> parser.parse(init.substring(0, init.length() / 2), state));
        assertThrows(MalformedLineException.class, () -> parser.parse("Error: something went wrong", state));
        assertThrows(MalformedLineException.class, () -> parser.parse("{\"no\":\"type\"}", state));
        assertNull(state.usage().agentSessionId());
    }

    @Test
    void onlyStructuredOutputGetsAParser() {
        assertTrue(profile.parser(List.of("claude", "-p", "x", "--output-format=stream-json"), PriceTable.defaultPrices()).isPresent());
        assertFalse(profile.parser(List.of("claude"), PriceTable.defaultPrices()).isPresent());
        assertFalse(profile.parser(List.of("claude", "-p", "x"), PriceTable.defaultPrices()).isPresent());
    }

    @Test
    void theSessionIdIsChosenUpFrontUnlessTheCommandNamesOne() {
        LaunchPlan plan = profile.prepare(List.of("claude", "-p", "hi"), false, () -> "11111111-1111-4111-8111-111111111111");
        assertEquals(List.of("claude", "--session-id", "11111111-1111-4111-8111-111111111111", "-p", "hi"), plan.command());
        assertEquals("11111111-1111-4111-8111-111111111111", plan.agentSessionId());

        LaunchPlan given = profile.prepare(List.of("claude", "--session-id", "X", "-p", "hi"), false, () -> "NEW");
        assertEquals("X", given.agentSessionId());
        assertEquals(List.of("claude", "--session-id", "X", "-p", "hi"), given.command());

        LaunchPlan restarted = profile.prepare(List.of("claude", "--session-id", "X", "-p", "hi"), true, () -> "NEW");
        assertEquals(List.of("claude", "--session-id", "NEW", "-p", "hi"), restarted.command());

        LaunchPlan resuming = profile.prepare(List.of("claude", "--resume", "R", "-p", "hi"), false, () -> "NEW");
        assertNull(resuming.agentSessionId());
        assertEquals(List.of("claude", "--resume", "R", "-p", "hi"), resuming.command());
    }

    @Test
    void resumeKeepsTheOptionsDropsTheOldPromptAndAddsTheNewOne() {
        List<String> original = List.of("claude", "--session-id", "OLD", "-p", "fix the test", "--output-format", "stream-json",
                "--verbose", "--model", "sonnet");
        assertEquals(List.of("claude", "--resume", "ABC", "-p", "--output-format", "stream-json", "--verbose", "--model", "sonnet",
                "now the docs"), profile.resumeCommand(original, "ABC", "now the docs").orElseThrow());
        // Headless without a prompt: Claude Code needs one, so the profile's convention is sent.
        assertEquals(profile.continuePrompt(), profile.resumeCommand(original, "ABC", null).orElseThrow().get(9));
        // Interactive without a prompt: just the conversation.
        assertEquals(List.of("claude", "--resume", "ABC"), profile.resumeCommand(List.of("claude"), "ABC", null).orElseThrow());
        assertTrue(profile.resumeCommand(original, null, "x").isEmpty());
    }
}
