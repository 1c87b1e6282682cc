package dev.agentharness.supervisor.internal.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class OutputTailTest {
    @Test
    void keepsOnlyTheLastCharactersAndCountsVersions() {
        OutputTail tail = new OutputTail(5);
        tail.append("abc");
        long v1 = tail.snapshot().version();
        tail.append("defg");
        assertEquals("cdefg", tail.snapshot().text());
        assertNotEquals(v1, tail.snapshot().version());
        tail.append("0123456789");
        assertEquals("56789", tail.snapshot().text());
    }

    @Test
    void clearingForgetsTheTextAndCountsAsAChange() {
        OutputTail tail = new OutputTail(10);
        tail.append("Proceed? (y/n)");
        long before = tail.snapshot().version();
        tail.clear();
        assertEquals("", tail.snapshot().text());
        assertNotEquals(before, tail.snapshot().version());
    }

    @Test
    void neverStartsWithHalfASurrogatePair() {
        OutputTail tail = new OutputTail(2);
        tail.append("x😀y"); // x, high, low, y: keeping 2 chars cuts the pair
        assertEquals("y", tail.snapshot().text());
    }
}
