package dev.agentharness.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.error.HarnessException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceTableTest {
    @TempDir
    Path dir;

    @Test
    void exactNameThenLongestPrefixThenUnknown() {
        PriceTable t = PriceTable.defaultPrices();
        assertEquals(0.25, t.priceOf("gpt-5-mini").orElseThrow().input());
        assertEquals(0.25, t.priceOf("gpt-5-mini-2025-08-07").orElseThrow().input()); // not gpt-5's
        assertEquals(20.0, t.priceOf("o3-pro").orElseThrow().input());
        assertTrue(t.priceOf("gpt-50").isEmpty()); // a prefix must end at - or .
        assertNull(t.cost("claude-opus-4-8", 1, 1, 0, 0));
        assertNull(t.cost(null, 1, 1, 0, 0));
    }

    @Test
    void theHomesFileOverridesAndAddsWithCacheRatesDefaultingToInput() throws Exception {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, "{\"gpt-5\": {\"input\": 2, \"output\": 20}, \"local-llama\": {\"input\": 0, \"output\": 0}}");
        PriceTable t = PriceTable.load(file);
        assertEquals(2.0, t.priceOf("gpt-5").orElseThrow().cacheRead());
        assertEquals(0.0, t.cost("local-llama", 1000, 1000, 0, 0));
        assertEquals(0.30, t.priceOf("gemini-2.5-flash").orElseThrow().input());
    }

    @Test
    void noFileMeansTheDefaultsAndABadOneIsNamed() throws Exception {
        assertEquals(1.25, PriceTable.load(dir.resolve("absent.json")).priceOf("gpt-5").orElseThrow().input());
        Path bad = dir.resolve("prices.json");
        Files.writeString(bad, "{\"gpt-5\": {\"input\": \"cheap\"}}");
        HarnessException e = assertThrows(HarnessException.class, () -> PriceTable.load(bad));
        assertTrue(e.getMessage().contains("'gpt-5' needs numbers 'input' and 'output'"), e.getMessage());
        Files.writeString(bad, "{oops");
        assertTrue(assertThrows(HarnessException.class, () -> PriceTable.load(bad)).getMessage().contains("not valid JSON"));
    }
}
