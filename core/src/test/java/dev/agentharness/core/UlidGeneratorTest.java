package dev.agentharness.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UlidGeneratorTest {

    @Test
    void idsAre26CrockfordCharactersAndStrictlyIncreaseWithinOneMillisecond() {
        Clock frozen = Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC);
        UlidGenerator ids = new UlidGenerator(frozen, new Random(42));
        String previous = "";
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = ids.newId();
            assertEquals(26, id.length());
            assertTrue(id.matches("[0-9A-HJKMNP-TV-Z]{26}"), id);
            assertTrue(id.compareTo(previous) > 0, previous + " then " + id);
            assertTrue(seen.add(id));
            previous = id;
        }
    }

    @Test
    void laterMillisecondsSortAfterEarlierOnes() {
        String early = new UlidGenerator(Clock.fixed(Instant.ofEpochMilli(1_000), ZoneOffset.UTC), new Random(1)).newId();
        String late = new UlidGenerator(Clock.fixed(Instant.ofEpochMilli(1_001), ZoneOffset.UTC), new Random(2)).newId();
        assertTrue(late.compareTo(early) > 0);
    }

    @Test
    void timePartEncodesTheMillisecondsInBase32() {
        // 0 ms with zero randomness is all zeros; 1 ms puts a 1 in the last time character.
        assertEquals("0000000000" + "0000000000000000", UlidGenerator.encode(0, 0, 0));
        assertEquals("0000000001" + "0000000000000000", UlidGenerator.encode(1, 0, 0));
        assertEquals("0000000000" + "000000000000000Z", UlidGenerator.encode(0, 0, 31));
        assertEquals("0000000000" + "Z000000000000000", UlidGenerator.encode(0, 0xF800, 0));
    }
}
