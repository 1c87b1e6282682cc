package dev.agentharness.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationFormatTest {

    @Test
    void parsesEveryDocumentedUnit() {
        assertEquals(Duration.ofMillis(500), DurationFormat.parse("500ms"));
        assertEquals(Duration.ofSeconds(30), DurationFormat.parse("30s"));
        assertEquals(Duration.ofMinutes(5), DurationFormat.parse("5m"));
        assertEquals(Duration.ofHours(2), DurationFormat.parse("2h"));
        assertEquals(Duration.ofDays(1), DurationFormat.parse("1d"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "m", "-5s", "5 m", "1.5h", "5min", "99999999999s"})
    void rejectsAnythingElseWithAMessageShowingTheForms(String bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DurationFormat.parse(bad));
        assertTrue(e.getMessage().contains("500ms"), e.getMessage());
    }

    @Test
    void formatIsTheInverseOfParse() {
        for (String s : new String[] {"500ms", "30s", "5m", "2h", "1d", "90s", "1500ms", "0s"}) {
            assertEquals(s, DurationFormat.format(DurationFormat.parse(s)));
        }
    }
}
