package dev.agentharness.cli.format;

import dev.agentharness.service.view.Human;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentharness.cli.format.TableFormatter.Align;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableFormatterTest {
    @Test
    void alignsColumnsAndCutsLongCells() {
        StringWriter text = new StringWriter();
        new TableFormatter()
                .column("ID", Align.LEFT)
                .column("N", Align.RIGHT)
                .column("NOTE", Align.LEFT, 6)
                .row("a", 1, "short")
                .row("bbb", 100, "much too long")
                .row("c", null, "two\nlines")
                .print(new PrintWriter(text, true));
        assertEquals(String.join("\n",
                "ID     N  NOTE",
                "a      1  short",
                "bbb  100  much …",
                "c      -  two\\n…",
                ""), text.toString());
    }

    @Test
    void humanForms() {
        assertEquals("512B", Human.bytes(512));
        assertEquals("1.5K", Human.bytes(1536));
        assertEquals("3.0M", Human.bytes(3L << 20));
        assertEquals("1.5s", Human.duration(Duration.ofMillis(1500)));
        assertEquals("2m 5s", Human.duration(Duration.ofSeconds(125)));
        assertEquals("sh -c 'echo hi'", Human.command(List.of("sh", "-c", "echo hi")));
        assertEquals("'it'\\''s'", Human.command(List.of("it's")));
    }
}
