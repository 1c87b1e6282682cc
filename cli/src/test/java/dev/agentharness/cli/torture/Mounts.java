package dev.agentharness.cli.torture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Small file systems for the full-disk and read-only cases: tmpfs mounts, when the test may mount (root). */
final class Mounts {
    private Mounts() {
    }

    /** Mounts a tmpfs of {@code size} (e.g. "24m") on {@code dir}; the error output when that is impossible. */
    static String tmpfs(Path dir, String size) throws IOException {
        Files.createDirectories(dir);
        return mount(List.of("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", dir.toString()));
    }

    /** Remounts {@code dir} with {@code options} ("ro", "rw", "size=64m"); null on success, else why not. */
    static String remount(Path dir, String options) {
        return mount(List.of("mount", "-o", "remount," + options, dir.toString()));
    }

    static void unmount(Path dir) {
        mount(List.of("umount", "-l", dir.toString()));
    }

    private static String mount(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", cmd) + ": timed out";
            }
            return p.exitValue() == 0 ? null : String.join(" ", cmd) + ": " + out;
        } catch (IOException e) {
            return String.join(" ", cmd) + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Fills the file system of {@code dir} with {@code file} until it is full; returns the bytes written. */
    static long fill(Path file) {
        byte[] block = new byte[1 << 16];
        long written = 0;
        try (var out = Files.newOutputStream(file)) {
            for (int size = block.length; size >= 1; ) {
                try {
                    out.write(block, 0, size);
                    out.flush();
                    written += size;
                } catch (IOException full) {
                    size /= 2;
                }
            }
        } catch (IOException e) {
            // Closing a file on a full file system may fail too; what was written stays.
        }
        return written;
    }
}
