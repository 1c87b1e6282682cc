package dev.agentharness.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Projects: a git work tree or a directory, its defaults run by a bare start, its dashboard and filters. */
class ProjectsIT extends HarnessIT {
    @Test
    void aBareRunInAConfiguredProjectRunsItsDefaultsWithThePromptAsLastArgument() throws Exception {
        Path repo = Files.createDirectories(harness.scratch.resolve("repo"));
        Files.createDirectories(repo.resolve(".git"));
        Path sub = Files.createDirectories(repo.resolve("src/deep"));
        Path elsewhere = Files.createDirectories(harness.scratch.resolve("elsewhere"));

        harness.run("run", "--cwd", elsewhere.toString()).expectOneLineError(2, "has no default command");

        harness.run("projects", "set", sub.toString(), "--command", "sh -c 'echo \"prompt=$0\"'", "--prompt", "fix the tests").ok();
        Result bare = harness.run("run", "-q", "--cwd", sub.toString()).ok();
        assertEquals("prompt=fix the tests\n", bare.out());
        JsonNode session = harness.json("ps", "--all", "--json").get(0);
        assertEquals(repo.toString(), session.path("project").asText(), "filed under the work tree's root");
        assertEquals(sub.toString(), session.path("cwd").asText());

        String id = harness.run("start", "--cwd", repo.toString()).ok().out().strip();
        harness.run("wait", id).ok();
        assertEquals("prompt=fix the tests\n", harness.tailAll(id), "a bare start runs the defaults too");
    }

    @Test
    void projectsCountsTheSessionsOfEachDirectoryAndPsAndStatsFilterByIt() throws Exception {
        Path api = Files.createDirectories(harness.scratch.resolve("api"));
        Path web = Files.createDirectories(harness.scratch.resolve("web"));
        harness.run("run", "-q", "--cwd", api.toString(), "--", "true").ok();
        harness.run("run", "-q", "--cwd", api.toString(), "--", "true").ok();
        harness.run("run", "-q", "--cwd", api.toString(), "--", "sh", "-c", "exit 2").expect(2);
        String stopped = harness.run("start", "--cwd", api.toString(), "--", "sleep", "60").ok().out().strip();
        harness.run("stop", stopped, "--force").ok();
        harness.run("run", "-q", "--cwd", web.toString(), "--", "true").ok();

        JsonNode projects = harness.json("projects", "--json");
        assertEquals(2, projects.size(), projects::toString);
        JsonNode first = projects.get(0);
        assertEquals(web.toString(), first.path("dir").asText(), "most recently run first");
        JsonNode a = projects.get(1);
        assertEquals(api.toString(), a.path("dir").asText());
        assertEquals(4, a.path("sessions").asInt());
        assertEquals(2, a.path("byStatus").path("completed").asInt());
        assertEquals(1, a.path("byStatus").path("failed").asInt());
        assertEquals(0, a.path("byStatus").path("crashed").asInt());
        assertEquals(1, a.path("byStatus").path("stopped").asInt());
        assertEquals(stopped, a.path("lastSession").path("id").asText());
        assertEquals("stopped", a.path("lastSession").path("status").asText());
        assertTrue(a.path("costUsd").isNull());

        String table = harness.run("projects").ok().out();
        assertTrue(table.startsWith("PROJECT"), table);
        assertTrue(table.contains(api.toString()) && table.contains("stopped"), table);

        assertEquals(4, harness.json("ps", "--all", "--project", api.toString(), "--json").size());
        assertEquals(1, harness.json("ps", "--all", "--project", web.toString(), "--json").size());
        JsonNode stats = harness.json("stats", "--project", api.toString(), "--json");
        assertEquals(4, stats.path("total").asLong());
        assertEquals(5, harness.json("stats", "--json").path("total").asLong());
    }
}
