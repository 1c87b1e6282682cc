package dev.agentharness.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentharness.core.error.UsageException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A project's --command is split into argv as a shell splits words, and never expanded. */
class WordsTest {
    @Test
    void splitsLikeAShellWithoutExpanding() {
        assertEquals(List.of("claude", "-p"), Words.split("  claude   -p "));
        assertEquals(List.of("sh", "-c", "echo 'hi' $HOME"), Words.split("sh -c \"echo 'hi' \\$HOME\""));
        assertEquals(List.of("sh", "-c", "echo $0 \"q\""), Words.split("sh -c 'echo $0 \"q\"'"));
        assertEquals(List.of("a b", "c\\d", ""), Words.split("a\\ b \"c\\\\d\" ''"));
        assertEquals(List.of("~/bin/x*"), Words.split("~/bin/x*"));
        assertEquals(List.of(), Words.split("   "));
    }

    @Test
    void unterminatedQuotesAreUsageErrors() {
        assertThrows(UsageException.class, () -> Words.split("sh -c 'echo"));
        assertThrows(UsageException.class, () -> Words.split("sh -c \"echo"));
    }
}
