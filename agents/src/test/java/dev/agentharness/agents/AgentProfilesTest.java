package dev.agentharness.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.error.HarnessException;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentProfilesTest {
    private final AgentProfiles profiles = new AgentProfiles();

    @Test
    void theExecutablesNameDecidesWithoutAFlag() {
        assertEquals("claude", profiles.forCommand(List.of("/usr/bin/claude", "-p", "x")).name());
        assertEquals("codex", profiles.forCommand(List.of("codex", "exec")).name());
        assertEquals("gemini", profiles.forCommand(List.of("gemini")).name());
        assertEquals("aider", profiles.forCommand(List.of("aider")).name());
        assertEquals("generic", profiles.forCommand(List.of("sh", "-c", "claude")).name());
    }

    @Test
    void theFlagWinsAndUnknownNamesAreListed() {
        assertEquals("claude", profiles.resolve("claude", List.of("./fake-claude.sh")).name());
        HarnessException e = assertThrows(HarnessException.class, () -> profiles.resolve("cursor", List.of("x")));
        assertEquals("unknown agent 'cursor' (known: claude, codex, gemini, aider, generic)", e.getMessage());
    }

    @Test
    void genericHasNothingToParseOrResume() {
        AgentProfile g = profiles.require("generic");
        assertTrue(g.parser(List.of("x"), PriceTable.defaultPrices()).isEmpty());
        assertFalse(g.canResume(List.of("x"), "id"));
    }
}
