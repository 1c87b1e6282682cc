package dev.agentharness.supervisor.internal.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Reads processes from {@code /proc}. Every method tolerates processes vanishing while it reads. */
public final class ProcInspector {
    private static final Path PROC = Paths.get("/proc");

    /** The process's stat, or empty when there is no such process. */
    public Optional<ProcStat> stat(int pid) {
        try {
            String text = new String(Files.readAllBytes(PROC.resolve(Integer.toString(pid)).resolve("stat")),
                    StandardCharsets.UTF_8);
            return Optional.of(ProcStat.parse(text));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }

    /** Whether the recorded process is alive: same pid, same start time, not a zombie. */
    public boolean isAlive(ProcessIdentity identity) {
        return stat(identity.pid()).filter(s -> identity.matches(s) && !s.hasExited()).isPresent();
    }

    /**
     * Live (non-zombie) members of process group {@code pgid}, except {@code exceptPid}, that
     * started no earlier than {@code notBefore} ticks (a group member cannot predate its leader; this
     * guards against a reused group id).
     */
    public List<ProcStat> liveGroupMembers(int pgid, int exceptPid, long notBefore) {
        List<ProcStat> members = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, ProcInspector::isPidDir)) {
            for (Path dir : dirs) {
                int pid = Integer.parseInt(dir.getFileName().toString());
                if (pid == exceptPid) {
                    continue;
                }
                stat(pid).filter(s -> s.pgrp() == pgid && !s.hasExited() && s.startTime() >= notBefore)
                        .ifPresent(members::add);
            }
        } catch (IOException e) {
            // /proc is always readable on Linux; an empty answer is the safe one (nothing gets signalled).
        }
        return members;
    }

    /**
     * Live processes whose environment holds {@code key=value} exactly. The harness gives every agent
     * {@code HARNESS_SESSION_ID}, and everything the agent starts inherits it, so this finds a
     * session's processes even when no pid of theirs was ever recorded. Only processes of this user
     * can be read, which are the only ones the harness could have started.
     */
    public List<ProcStat> withEnvironment(String key, String value) {
        byte[] entry = (key + "=" + value).getBytes(StandardCharsets.UTF_8);
        List<ProcStat> found = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, ProcInspector::isPidDir)) {
            for (Path dir : dirs) {
                byte[] env;
                try {
                    env = Files.readAllBytes(dir.resolve("environ"));
                } catch (IOException | RuntimeException unreadable) {
                    continue; // gone, or not ours
                }
                if (containsEntry(env, entry)) {
                    stat(Integer.parseInt(dir.getFileName().toString())).filter(s -> !s.hasExited()).ifPresent(found::add);
                }
            }
        } catch (IOException e) {
            // As above: nothing found means nothing signalled.
        }
        return found;
    }

    /** Whether the NUL-separated {@code env} has {@code entry} as one of its entries. */
    static boolean containsEntry(byte[] env, byte[] entry) {
        int start = 0;
        for (int i = 0; i <= env.length; i++) {
            if (i == env.length || env[i] == 0) {
                if (i - start == entry.length && Arrays.equals(env, start, i, entry, 0, entry.length)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    private static boolean isPidDir(Path p) {
        String name = p.getFileName().toString();
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
