package dev.agentharness.cli.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The native client ({@code cli/src/main/c/harness-client.c}): the running daemon runs short
 * commands for it, exactly as a JVM of their own would have, and everything else, or anything it
 * cannot be sure of, runs in that JVM. Needs gcc at build time; without it there is no client, the
 * launcher runs JVMs, and these tests are skipped.
 */
@EnabledIf("clientBuilt")
class NativeClientIT extends HarnessIT {
    private static final Map<String, String> TRACE = Map.of("HARNESS_CLIENT_DEBUG", "1");
    private static final String HOSTED = "harness-client: ran in the daemon";

    static boolean clientBuilt() {
        return Files.isExecutable(Path.of(System.getProperty("harness.jar", "target/harness.jar")).resolveSibling("harness-client"));
    }

    @BeforeEach
    void daemon() {
        harness.run("run", "-q", "--", "true").ok();
    }

    private Result viaClient(String... args) {
        return harness.runViaClient(harness.jar(), harness.scratch, TRACE, args);
    }

    private static Result withoutTrace(Result r) {
        List<String> lines = r.errLines().stream().filter(l -> !l.startsWith("harness-client: ")).toList();
        return new Result(r.args(), r.code(), r.stdoutBytes(), lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
    }

    @Test
    void aStartRunsInTheDaemonWithTheCallersEnvironmentAndDirectory() throws Exception {
        Path project = Files.createDirectories(harness.scratch.resolve("a project"));
        Result start = harness.runViaClient(harness.jar(), project, Map.of("HARNESS_CLIENT_DEBUG", "1", "GREETING", "héllo \"there\""),
                "start", "--name", "greeter", "--", "sh", "-c", "echo \"$GREETING\"; pwd");
        assertEquals(0, start.code(), start::toString);
        assertTrue(start.errLines().contains(HOSTED), start::toString);
        assertEquals(26, start.out().strip().length(), start::toString);
        HarnessProcesses.awaitTrue("the agent to finish", FUNCTIONAL, () -> harness.status("greeter").equals("completed"));
        assertEquals("héllo \"there\"\n" + project.toRealPath() + "\n", harness.tailAll("greeter"));
    }

    @Test
    void hostedCommandsPrintAndExitExactlyAsTheirJvmDoes() {
        harness.run("run", "-q", "--name", "done", "--", "sh", "-c", "echo out; exit 3").expect(3);
        for (List<String> args : List.of(List.of("show", "done", "--json"), List.of("ps", "--all", "--json"),
                List.of("show", "nosuch"), List.of("stop", "nosuch"), List.of("ps", "--bogus"), List.of("pause", "done"),
                List.of("stats", "--json"))) {
            String[] a = args.toArray(String[]::new);
            Result hosted = viaClient(a);
            assertTrue(hosted.errLines().contains(HOSTED), hosted::toString);
            Result jvm = harness.run(a);
            Result bare = withoutTrace(hosted);
            assertEquals(jvm.code(), bare.code(), () -> "exit of " + args + ": " + hosted + " vs " + jvm);
            assertEquals(jvm.stderr(), bare.stderr(), () -> "stderr of " + args);
            assertArrayEquals(jvm.stdoutBytes(), bare.stdoutBytes(), () -> "stdout of " + args + ": " + hosted + " vs " + jvm);
        }
    }

    @Test
    void pauseResumeAndStopRunInTheDaemon() {
        harness.run("start", "--name", "sleeper", "--", "sleep", "60").ok();
        assertEquals("session sleeper paused\n", viaClient("pause", "sleeper").ok().out());
        assertEquals("paused", harness.status("sleeper"));
        assertEquals("session sleeper running\n", viaClient("resume", "sleeper").ok().out());
        Result stop = viaClient("stop", "sleeper", "--grace", "1s").ok();
        assertTrue(stop.errLines().contains(HOSTED), stop::toString);
        assertTrue(stop.out().startsWith("session sleeper stopped"), stop::toString);
        assertEquals("stopped", harness.status("sleeper"));
    }

    @Test
    void theLauncherRunsTheClientUnlessTheJvmIsGivenOptions() throws Exception {
        Path launcher = HarnessProcesses.repoRoot().resolve("harness");
        for (boolean jvmOptions : List.of(false, true)) {
            ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "--home", harness.home.toString(), "ps", "--all")
                    .directory(harness.scratch.toFile());
            pb.environment().putAll(Map.of("HARNESS_NO_BUILD", "1", "HARNESS_CLIENT_DEBUG", "1"));
            if (jvmOptions) {
                pb.environment().put("HARNESS_JAVA_OPTS", "-Xmx64m");
            }
            Path out = harness.scratch.resolve("launcher-out-" + jvmOptions);
            Path err = harness.scratch.resolve("launcher-err-" + jvmOptions);
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(90, java.util.concurrent.TimeUnit.SECONDS), "the launcher did not finish");
            String stderr = Files.readString(err);
            assertEquals(0, p.exitValue(), stderr);
            assertTrue(Files.readString(out).contains("completed"), () -> "ps --all lists the finished session");
            assertEquals(!jvmOptions, stderr.contains(HOSTED), stderr);
        }
    }

    @Test
    void aReaderThatGoesAwayLeavesTheExitCodeTheCommands() {
        // `true` has exited before the daemon answers: the client's writes meet a closed pipe. The JVM
        // ignores SIGPIPE; so must the client, or pipefail scripts see 141 instead of the command's code.
        List<String> pipeline = new java.util.ArrayList<>(List.of("bash", "-c", "set -o pipefail; \"$@\" | true", "client"));
        pipeline.addAll(harness.clientCommand(harness.jar(), "ps", "--all"));
        try {
            ProcessBuilder pb = new ProcessBuilder(pipeline).redirectErrorStream(true);
            pb.environment().putAll(TRACE);
            Process p = pb.start();
            String printed = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), printed);
            assertTrue(printed.contains(HOSTED), printed);
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void whatTheDaemonDoesNotHostRunsInAJvm() {
        String id = harness.run("start", "--name", "echoer", "--", "sh", "-c", "echo one; echo two").ok().out().strip();
        HarnessProcesses.awaitTrue("the agent to finish", FUNCTIONAL, () -> harness.status("echoer").equals("completed"));
        Result tail = viaClient("tail", "-n", "all", "echoer");
        assertEquals("one\ntwo\n", tail.out(), tail::toString);
        assertTrue(tail.errLines().stream().anyMatch(l -> l.startsWith("harness-client: runs in a JVM: ")), tail::toString);

        Result debug = viaClient("--debug", "show", id);
        assertTrue(debug.errLines().stream().anyMatch(l -> l.startsWith("harness-client: runs in a JVM: ")), debug::toString);
        assertEquals(0, debug.code(), debug::toString);
    }

    @Test
    void aClientOfAnotherJarRunsItsOwnJvm() throws Exception {
        // A rebuild since the daemon started: the new CLI's code must run, not the daemon's.
        Path rebuilt = harness.scratch.resolve("harness.jar");
        Files.copy(harness.jar(), rebuilt);
        Result ps = harness.runViaClient(rebuilt, harness.scratch, TRACE, "ps");
        assertTrue(ps.errLines().contains("harness-client: runs in a JVM: {\"ok\":false,\"error\":{\"code\":\"not_hosted\","
                + "\"message\":\"the client's jar is not the one this daemon runs from\"}}"), ps::toString);
        assertEquals(0, ps.code(), ps::toString);
    }

    @Test
    void withoutADaemonTheJvmRunsAndStartsOne() {
        harness.run("shutdown").ok();
        Result start = viaClient("start", "--", "true");
        assertEquals(0, start.code(), start::toString);
        assertTrue(start.errLines().contains("harness-client: runs in a JVM: no daemon answers on the home's socket"), start::toString);
        Result ps = viaClient("ps", "--all");
        assertTrue(ps.errLines().contains(HOSTED), ps::toString);
    }

    @Test
    void aRelativeHomeIsTheCallersAndAnotherHomeIsNotServed() throws Exception {
        Path parent = harness.home.getParent();
        Result relative = harness.runViaClient(harness.jar(), parent, TRACE, "--home", harness.home.getFileName().toString(), "ps", "-a");
        assertTrue(relative.errLines().contains(HOSTED), relative::toString);
        assertTrue(relative.out().contains("completed"), relative::toString);

        // The client finds the daemon of HARNESS_HOME; the command names another home: not this daemon's to serve.
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.setPosixFilePermissions(other, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Result elsewhere = harness.runViaClient(harness.jar(), harness.scratch, Map.of("HARNESS_CLIENT_DEBUG", "1",
                "HARNESS_HOME", harness.home.toString()), "ps", "--home", other.toString());
        assertTrue(elsewhere.errLines().stream().anyMatch(l -> l.startsWith("harness-client: runs in a JVM: ")), elsewhere::toString);
    }

    @Test
    void anEnvironmentThatIsNotUtf8RunsInAJvm() {
        // A variable's bytes that are not UTF-8 cannot be told to the daemon as they are: the JVM decodes them its way.
        Result ps = harness.runViaClient(List.of("sh", "-c", "export LATIN1=$(printf 'caf\\351'); exec \"$0\" \"$@\""),
                harness.jar(), harness.scratch, TRACE, "ps");
        assertEquals(0, ps.code(), ps::toString);
        assertTrue(ps.errLines().contains("harness-client: runs in a JVM: the arguments, environment or working directory"
                + " are not UTF-8 text"), ps::toString);
    }
}
