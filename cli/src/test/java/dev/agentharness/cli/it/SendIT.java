package dev.agentharness.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Writing to an agent's stdin, and reading what it did with it. */
class SendIT extends HarnessIT {
    @Test
    void sendRoundTripThroughCat() {
        harness.run("start", "-i", "--name", "echo", "--", "cat").ok();
        harness.run("send", "echo", "hello", "world").ok();
        HarnessProcesses.awaitTrue("cat to echo the first line", FUNCTIONAL, () -> harness.tailAll("echo").equals("hello world\n"));

        harness.run("send", "echo", "--no-newline", "abc").ok();
        harness.runWithStdin("from stdin ü\n".getBytes(StandardCharsets.UTF_8), "send", "echo", "-").ok();
        String expected = "hello world\nabcfrom stdin ü\n";
        HarnessProcesses.awaitTrue("cat to echo everything", FUNCTIONAL, () -> harness.tailAll("echo").equals(expected));

        harness.run("send", "echo", "--close").ok();
        HarnessProcesses.awaitTrue("cat to exit at EOF", FUNCTIONAL, () -> harness.status("echo").equals("completed"));
        assertEquals(expected, harness.tailAll("echo"));
        harness.run("send", "echo", "more").expectOneLineError(1, "echo");
    }

    @Test
    void sendToAnUnknownSessionIsExit4() {
        harness.run("start", "--", "cat").ok();
        harness.run("send", "nosuch", "hi").expectOneLineError(4, "no such session: nosuch");
    }
}
