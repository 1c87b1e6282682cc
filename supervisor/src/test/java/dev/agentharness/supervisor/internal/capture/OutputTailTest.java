package dev.agentharness.supervisor.internal.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutputTailTest {
    @Test
    void keepsOnlyTheLastBytesAndCountsVersions() {
        OutputTail tail = new OutputTail(5);
        append(tail, "abc");
        long v1 = tail.snapshot().version();
        append(tail, "defg");
        assertEquals("cdefg", tail.snapshot().text());
        assertNotEquals(v1, tail.snapshot().version());
        append(tail, "0123456789");
        assertEquals("56789", tail.snapshot().text());
        append(tail, "xy");
        assertEquals("789xy", tail.snapshot().text());
    }

    @Test
    void appendsOnlyTheGivenRangeOfTheArray() {
        OutputTail tail = new OutputTail(8);
        byte[] bytes = "..hello..".getBytes(StandardCharsets.UTF_8);
        tail.append(bytes, 2, 5);
        assertEquals("hello", tail.snapshot().text());
    }

    @Test
    void clearingForgetsTheTextAndCountsAsAChange() {
        OutputTail tail = new OutputTail(10);
        append(tail, "Proceed? (y/n)");
        long before = tail.snapshot().version();
        tail.clear();
        assertEquals("", tail.snapshot().text());
        assertNotEquals(before, tail.snapshot().version());
    }

    @Test
    void neverStartsInTheMiddleOfACharacter() {
        OutputTail tail = new OutputTail(3);
        append(tail, "x😀y"); // x, then 4 bytes, then y: keeping 3 bytes cuts the emoji
        assertEquals("y", tail.snapshot().text());
        OutputTail wider = new OutputTail(5);
        append(wider, "x😀y");
        assertEquals("😀y", wider.snapshot().text());
    }

    private static void append(OutputTail tail, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        tail.append(bytes, 0, bytes.length);
    }
}
