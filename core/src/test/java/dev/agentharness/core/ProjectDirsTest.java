package dev.agentharness.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A project is the nearest enclosing git work tree, else the directory itself. */
class ProjectDirsTest {
    @TempDir
    Path tmp;

    @Test
    void theNearestGitWorkTreeWinsElseTheDirectoryItself() throws Exception {
        Path outer = Files.createDirectories(tmp.resolve("outer"));
        Files.createDirectories(outer.resolve(".git"));
        Path inner = Files.createDirectories(outer.resolve("vendor/lib"));
        Files.writeString(inner.resolve(".git"), "gitdir: ../../.git/modules/lib\n"); // a submodule or worktree: a file
        Path deep = Files.createDirectories(inner.resolve("src/x"));
        Path plain = Files.createDirectories(tmp.resolve("plain/a"));

        assertEquals(outer.toString(), ProjectDirs.projectOf(outer.resolve("docs").toString()));
        assertEquals(inner.toString(), ProjectDirs.projectOf(deep.toString()));
        assertEquals(outer.toString(), ProjectDirs.projectOf(inner.resolve("..").toString()), "normalised first");
        assertEquals(plain.toString(), ProjectDirs.projectOf(plain.toString()));
    }
}
