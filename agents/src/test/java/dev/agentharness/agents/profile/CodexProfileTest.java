package dev.agentharness.agents.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.agents.Fixtures;
import dev.agentharness.agents.LaunchPlan;
import dev.agentharness.agents.ParseState;
import dev.agentharness.agents.PriceTable;
import dev.agentharness.core.AgentUsage;
import dev.agentharness.core.EventType;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodexProfileTest {
    private final CodexProfile profile = new CodexProfile();

    @Test
    void theRecordedOfflineRunGivesTheThreadIdAndNoTurn() {
        Fixtures.Parsed p = Fixtures.parse(profile.parser(List.of("codex", "exec", "--json", "hi"), PriceTable.defaultPrices())
                .orElseThrow(), "codex", "codex-offline.jsonl");
        assertEquals(0, p.skipped());
        assertEquals("01a2490c-8060-7293-b389-91b08755649f", p.usage().agentSessionId());
        assertNull(p.usage().turns());
        assertNull(p.usage().costUsd());
    }

    @Test
    void turnsAddUpAndArePricedByTheModelTheCommandNames() {
        Fixtures.Parsed p = Fixtures.parse(profile.parser(List.of("codex", "exec", "--json", "-m", "gpt-5-codex", "fix it"),
                PriceTable.defaultPrices()).orElseThrow(), "codex", "codex-tools.jsonl");
        AgentUsage u = p.usage();
        assertEquals("0199a213-81c0-7800-8aa1-bbab2a035a53", u.agentSessionId());
        assertEquals("gpt-5-codex", u.model());
        assertEquals(24763 - 24448, u.inputTokens());
        assertEquals(24448, u.cacheReadTokens());
        assertEquals(122, u.outputTokens());
        assertEquals(0, u.cacheWriteTokens());
        assertEquals((315 * 1.25 + 24448 * 0.125 + 122 * 10.0) / 1e6, u.costUsd(), 1e-12);
        assertEquals(2, u.turns());
        assertEquals("error", u.resultStatus()); // the last turn failed
        List<ParseState.Event> calls = p.state().events().stream().filter(e -> e.type() == EventType.TOOL_CALL).toList();
        assertEquals(3, calls.size());
        assertEquals("shell", calls.get(0).data().get("tool"));
        assertEquals("bash -lc 'mvn -q test'", calls.get(0).data().get("input"));
        assertEquals("apply_patch", calls.get(1).data().get("tool"));
        assertEquals("update src/Parser.java", calls.get(1).data().get("input"));
        assertEquals("docs.search", calls.get(2).data().get("tool"));
        assertEquals("jackson readTree", calls.get(2).data().get("input"));
        assertEquals(3, u.toolCalls());
    }

    @Test
    void withoutAModelTheCostIsUnknownNotZero() {
        Fixtures.Parsed p = Fixtures.parse(profile.parser(List.of("codex", "exec", "--json", "fix it"),
                PriceTable.defaultPrices()).orElseThrow(), "codex", "codex-tools.jsonl");
        assertNull(p.usage().model());
        assertNull(p.usage().costUsd());
        assertEquals(122, p.usage().outputTokens());
    }

    @Test
    void theModelCanComeFromAConfigOverride() {
        assertEquals("o3", CodexProfile.model(List.of("codex", "-c", "model=\"o3\"", "exec", "--json", "x")));
    }

    @Test
    void onlyExecJsonHasAParserAndCodexChoosesItsOwnId() {
        assertTrue(profile.parser(List.of("codex", "-m", "o3", "exec", "--json", "x"), PriceTable.defaultPrices()).isPresent());
        assertFalse(profile.parser(List.of("codex", "exec", "x"), PriceTable.defaultPrices()).isPresent());
        assertFalse(profile.parser(List.of("codex", "--json"), PriceTable.defaultPrices()).isPresent());
        LaunchPlan plan = profile.prepare(List.of("codex", "exec", "--json", "x"), false, () -> "NEW");
        assertNull(plan.agentSessionId());
        assertEquals(List.of("codex", "exec", "--json", "x"), plan.command());
    }

    @Test
    void resumeIsExecResumeWithTheOptionsAndAPrompt() {
        List<String> original = List.of("codex", "exec", "--json", "-m", "gpt-5-codex", "--skip-git-repo-check", "fix it");
        assertEquals(List.of("codex", "exec", "--json", "-m", "gpt-5-codex", "--skip-git-repo-check", "resume", "T1", "go on"),
                profile.resumeCommand(original, "T1", "go on").orElseThrow());
        assertEquals(profile.continuePrompt(), profile.resumeCommand(original, "T1", null).orElseThrow().get(8));
        assertEquals(List.of("codex", "resume", "T1"), profile.resumeCommand(List.of("codex"), "T1", null).orElseThrow());
        assertTrue(profile.resumeCommand(original, null, null).isEmpty());
    }
}
