package dev.agentharness.supervisor.internal.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.supervisor.SupervisorConfig;
import org.junit.jupiter.api.Test;

class CheckpointDetectorTest {
    private final CheckpointDetector detector = new CheckpointDetector(SupervisorConfig.DEFAULT_CHECKPOINT_PATTERNS);

    @Test
    void matchesPromptsThroughColourCodes() {
        String tail = "working...\n\u001B[1;33mOverwrite file? \u001B[0m\u001B[2m(y/N)\u001B[0m ";
        assertEquals("(y/N)", detector.match(tail).orElseThrow().text());
    }

    @Test
    void matchesExplicitMarkersAndPermissionQuestions() {
        assertEquals("CHECKPOINT: review-plan", detector.match("plan written\nCHECKPOINT: review-plan\n").orElseThrow().text());
        assertEquals("Allow?", detector.match("Run `rm -rf build`? Allow?").orElseThrow().text());
    }

    @Test
    void aPromptThatScrolledAwayIsNoLongerACheckpoint() {
        StringBuilder tail = new StringBuilder("Continue? (y/n) y\n");
        for (int i = 0; i < 12; i++) {
            tail.append("step ").append(i).append(" done\n");
        }
        assertTrue(detector.match(tail.toString()).isEmpty());
        assertEquals("(y/n)", detector.match("Continue? (y/n) y\nstep 1 done\nNext? (y/n) \n\n").orElseThrow().text());
    }

    @Test
    void ordinaryOutputIsNoCheckpoint() {
        assertTrue(detector.match("compiling 42 files\n\u001B[32mok\u001B[0m\n").isEmpty());
    }

    @Test
    void stripsOscAndCursorSequences() {
        assertEquals("title text", AnsiText.strip("\u001B]0;my title\u0007title\u001B[2K text\u001B[?25l"));
    }
}
