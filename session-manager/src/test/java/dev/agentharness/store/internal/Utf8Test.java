package dev.agentharness.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {
    @Test
    void lengthIsWhatTheEncoderProducesForEveryKindOfChar() {
        for (String s : new String[] {"", "a", "é", "€", "😀", "\u0000", "\uFFFD", "a\uD800b", "\uDC00", "\uD83D", "日本語😀é\n"}) {
            assertEquals(s.getBytes(StandardCharsets.UTF_8).length, Utf8.length(s), s);
        }
    }

    @Test
    void lengthMatchesTheEncoderOnRandomText() {
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(40);
            for (int j = 0; j < n; j++) {
                b.append((char) random.nextInt(Character.MAX_VALUE + 1));
            }
            String s = b.toString();
            assertEquals(s.getBytes(StandardCharsets.UTF_8).length, Utf8.length(s));
        }
    }
}
