package dev.agentharness.supervisor.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcStatTest {
    @Test
    void countsFieldsFromTheLastParenthesisBecauseCommandNamesMayContainSpacesAndParentheses() {
        String line = "4242 (evil) S 1 (x) R) Z 100 4242 4242 0 -1 4194560 98 0 0 0 0 0 0 0 20 0 1 0 123456789 2400000 200 "
                + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        ProcStat s = ProcStat.parse(line);
        assertEquals(4242, s.pid());
        assertEquals('Z', s.state());
        assertEquals(100, s.ppid());
        assertEquals(4242, s.pgrp());
        assertEquals(4242, s.session());
        assertEquals(123456789L, s.startTime());
        assertTrue(s.hasExited());
    }

    @Test
    void readsTheTestJvmItself() {
        int me = (int) ProcessHandle.current().pid();
        ProcStat s = new ProcInspector().stat(me).orElseThrow();
        assertEquals(me, s.pid());
        assertTrue(s.startTime() > 0);
        assertTrue(new ProcInspector().isAlive(new ProcessIdentity(me, s.startTime())));
        assertTrue(!new ProcInspector().isAlive(new ProcessIdentity(me, s.startTime() + 1)));
    }
}
