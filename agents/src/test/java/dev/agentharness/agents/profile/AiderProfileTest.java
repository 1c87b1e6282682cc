package dev.agentharness.agents.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.agents.PriceTable;
import java.util.List;
import org.junit.jupiter.api.Test;

class AiderProfileTest {
    private final AiderProfile profile = new AiderProfile();

    @Test
    void resumesFromItsChatHistoryWithoutAnId() {
        assertEquals(List.of("aider", "--yes", "--restore-chat-history", "--message", "next"),
                profile.resumeCommand(List.of("aider", "--yes", "--message", "first"), null, "next").orElseThrow());
        assertTrue(profile.canResume(List.of("aider"), null));
        assertTrue(profile.parser(List.of("aider"), PriceTable.defaultPrices()).isEmpty());
    }

    @Test
    void aProjectsPromptIsAidersFirstMessageNotAFileToEdit() {
        assertEquals(List.of("aider", "--yes", "--message", "fix the tests"),
                profile.withPrompt(List.of("aider", "--yes"), "fix the tests"));
    }
}
