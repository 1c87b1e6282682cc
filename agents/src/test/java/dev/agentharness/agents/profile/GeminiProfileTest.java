package dev.agentharness.agents.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.agentharness.agents.Fixtures;
import dev.agentharness.agents.ParseState;
import dev.agentharness.agents.PriceTable;
import dev.agentharness.core.EventType;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeminiProfileTest {
    private final GeminiProfile profile = new GeminiProfile();
    private final List<String> command = List.of("gemini", "--output-format", "stream-json", "-p", "hi");

    @Test
    void theRecordedOfflineRunGivesTheSessionIdAndTheAutoModel() {
        Fixtures.Parsed p = Fixtures.parse(profile.parser(command, PriceTable.defaultPrices()).orElseThrow(), "gemini",
                "gemini-offline.stream.jsonl");
        assertEquals(0, p.skipped());
        assertEquals("878c3c90-321d-444f-b501-28f28600d54e", p.usage().agentSessionId());
        assertEquals("auto", p.usage().model());
        assertNull(p.usage().costUsd());
    }

    @Test
    void theResultPricesEachModelAndToolUseBecomesToolCalls() {
        Fixtures.Parsed p = Fixtures.parse(profile.parser(command, PriceTable.defaultPrices()).orElseThrow(), "gemini",
                "gemini-tools.stream.jsonl");
        assertEquals("gemini-2.5-flash", p.usage().model()); // the router's pick replaces "auto"
        assertEquals(6800, p.usage().inputTokens());
        assertEquals(9000, p.usage().cacheReadTokens());
        assertEquals(430, p.usage().outputTokens());
        assertEquals((6800 * 0.30 + 9000 * 0.075 + 430 * 2.50) / 1e6, p.usage().costUsd(), 1e-12);
        assertEquals("success", p.usage().resultStatus());
        assertEquals(1, p.usage().turns());
        List<ParseState.Event> calls = p.state().events().stream().filter(e -> e.type() == EventType.TOOL_CALL).toList();
        assertEquals("run_shell_command", calls.get(0).data().get("tool"));
        assertEquals("npm test", calls.get(0).data().get("input"));
        assertEquals("/work/web/src/parse.ts", calls.get(1).data().get("input"));
    }

    @Test
    void anUnpricedModelMakesTheCostUnknown() {
        PriceTable none = PriceTable.of(java.util.Map.of());
        Fixtures.Parsed p = Fixtures.parse(profile.parser(command, none).orElseThrow(), "gemini", "gemini-tools.stream.jsonl");
        assertEquals((6800 * 0.30 + 9000 * 0.075 + 430 * 2.50) / 1e6, p.usage().costUsd(), 1e-12); // defaults still there
        String renamed = Fixtures.text("gemini-tools.stream.jsonl").replace("gemini-2.5-flash", "gemini-9-secret");
        ParseState state = new ParseState(dev.agentharness.core.AgentUsage.start("gemini", null));
        var parser = profile.parser(command, none).orElseThrow();
        renamed.lines().forEach(l -> {
            try {
                parser.parse(l, state);
            } catch (dev.agentharness.agents.MalformedLineException e) {
                throw new AssertionError(e);
            }
        });
        assertNull(state.usage().costUsd());
        assertEquals(430, state.usage().outputTokens());
    }

    @Test
    void idChosenUpFrontAndResumedById() {
        var plan = profile.prepare(command, false, () -> "U1");
        assertEquals("U1", plan.agentSessionId());
        assertEquals(List.of("gemini", "--session-id", "U1", "--output-format", "stream-json", "-p", "hi"), plan.command());
        assertEquals(List.of("gemini", "--resume", "U1", "--output-format", "stream-json", "-p", "more"),
                profile.resumeCommand(plan.command(), "U1", "more").orElseThrow());
    }
}
