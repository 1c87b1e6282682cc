package dev.agentharness.cli.torture;

import dev.agentharness.cli.it.HarnessProcesses;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What {@code /proc} says, independently of the harness's own process code. Zombies count as dead. */
final class Procs {
    private static final Path PROC = Path.of("/proc");

    private Procs() {
    }

    /** A live process: pid, process group, state, start time (clock ticks since boot), command line. */
    record Proc(long pid, long pgrp, char state, long startTime, String cmdline) {
    }

    static Optional<Proc> stat(long pid) {
        Path dir = PROC.resolve(Long.toString(pid));
        try {
            String stat = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
            int close = stat.lastIndexOf(')');
            String[] f = stat.substring(close + 2).split(" ");
            char state = f[0].charAt(0);
            if (state == 'Z' || state == 'X') {
                return Optional.empty();
            }
            String cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ').strip();
            return Optional.of(new Proc(pid, Long.parseLong(f[2]), state, Long.parseLong(f[19]), cmdline));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }

    static boolean alive(long pid) {
        return stat(pid).isPresent();
    }

    /** Live processes in process group {@code pgid}. */
    static List<Proc> group(long pgid) {
        List<Proc> members = new ArrayList<>();
        for (long pid : pids()) {
            stat(pid).filter(p -> p.pgrp() == pgid).ifPresent(members::add);
        }
        return members;
    }

    /** SIGKILLs every process whose environment holds {@code entry}: what a torture test left behind. */
    static void killAllWithEnvironment(String entry) {
        for (Proc p : withEnvironment(entry)) {
            HarnessProcesses.kill(p.pid(), "KILL");
        }
    }

    /**
     * Live processes whose environment holds {@code entry} ({@code KEY=VALUE}) exactly: every agent
     * of a test and everything they started carry a token that way, recorded by the harness or not.
     */
    static List<Proc> withEnvironment(String entry) {
        byte[] needle = entry.getBytes(StandardCharsets.UTF_8);
        List<Proc> found = new ArrayList<>();
        for (long pid : pids()) {
            try {
                byte[] env = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
                if (containsEntry(env, needle)) {
                    stat(pid).ifPresent(found::add);
                }
            } catch (IOException | RuntimeException gone) {
                // Ended while we looked.
            }
        }
        return found;
    }

    private static boolean containsEntry(byte[] env, byte[] needle) {
        int start = 0;
        for (int i = 0; i <= env.length; i++) {
            if (i == env.length || env[i] == 0) {
                if (i - start == needle.length && java.util.Arrays.equals(env, start, i, needle, 0, needle.length)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    /** Environment variable {@code key} of a live process, if set. */
    static Optional<String> environment(long pid, String key) {
        try {
            byte[] env = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
            for (String e : new String(env, StandardCharsets.UTF_8).split("\0")) {
                if (e.startsWith(key + "=")) {
                    return Optional.of(e.substring(key.length() + 1));
                }
            }
        } catch (IOException gone) {
            // No such process.
        }
        return Optional.empty();
    }

    private static List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path d : dirs) {
                pids.add(Long.parseLong(d.getFileName().toString()));
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc", e);
        }
        return pids;
    }
}
