package dev.agentharness.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** What one harness process did. */
public record Result(List<String> args, int code, byte[] stdoutBytes, String stderr) {
    public String out() {
        return new String(stdoutBytes, StandardCharsets.UTF_8);
    }

    public List<String> errLines() {
        return stderr.isEmpty() ? List.of() : Arrays.asList(stderr.split("\n"));
    }

    public Result expect(int expected) {
        assertEquals(expected, code, this::toString);
        return this;
    }

    public Result ok() {
        return expect(0);
    }

    /** The documented error shape: the exit code and exactly one line on stderr, without a stack trace. */
    public Result expectOneLineError(int expected, String fragment) {
        expect(expected);
        assertEquals(1, errLines().size(), () -> "exactly one stderr line expected: " + this);
        String line = errLines().get(0);
        assertTrue(line.startsWith("harness: "), line);
        assertTrue(line.contains(fragment), () -> "'" + fragment + "' expected in: " + line);
        assertFalse(stderr.contains("Exception") || stderr.contains("\tat "), stderr);
        return this;
    }

    @Override
    public String toString() {
        return "harness " + String.join(" ", args) + " -> exit " + code + "\n--- stdout ---\n" + out() + "\n--- stderr ---\n" + stderr;
    }
}
