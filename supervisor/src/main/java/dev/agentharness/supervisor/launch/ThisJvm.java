package dev.agentharness.supervisor.launch;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command line that runs this program again in a new JVM: the same java, the same classpath
 * (made absolute, since the new process runs elsewhere), the system properties that say where
 * sqlite-jdbc's native library is, and, when running from the shaded jar, the launcher's AppCDS
 * archive beside it. The daemon (started by the CLI), JVM keepers (started by the daemon) and
 * Claude Code's hook command (run by Claude Code) are all built from here, so that they cannot
 * drift apart.
 */
public final class ThisJvm {
    /**
     * With an archive: used when it fits this JVM, else ignored without a word (an archive of another
     * build's jar would otherwise print warnings into a daemon's or an agent hook's output).
     */
    static final List<String> QUIET_ARCHIVE = List.of("-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off");

    /** Passed on to every copy: where sqlite-jdbc's native library was unpacked, and temp files. */
    private static final List<String> INHERITED_PROPERTIES = List.of(
            "org.sqlite.lib.path", "org.sqlite.lib.name", "org.sqlite.tmpdir", "java.io.tmpdir");

    private ThisJvm() {
    }

    /** This JVM's classpath, each entry absolute. */
    public static List<String> classpath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(Path.of(entry).toAbsolutePath().normalize().toString());
            }
        }
        return entries;
    }

    /** The shaded jar this JVM runs from, if it runs from one jar alone (not from a build's classes). */
    public static Optional<Path> jar() {
        List<String> entries = classpath();
        return entries.size() == 1 && entries.get(0).endsWith(".jar") ? Optional.of(Path.of(entries.get(0))) : Optional.empty();
    }

    /** setsid(1), where it is installed: a copy in a session of its own outlives this one's terminal. */
    public static Optional<String> setsid() {
        for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * {@code java OPTIONS [EXTRA] -DPROP=VALUE... [-XX:SharedArchiveFile=harness.jsa] -cp CLASSPATH},
     * ready for a main class and its arguments.
     *
     * @param extraOptionsEnv the environment variable whose value (split on whitespace) follows the
     *                        options, or null
     * @param sharedArchive   whether to use the launcher's AppCDS archive beside the jar, if there is one
     *                        and the extra options name no archive of their own (theirs wins); it is
     *                        used quietly ({@link #QUIET_ARCHIVE})
     */
    public static List<String> javaCommand(List<String> options, String extraOptionsEnv, Map<String, String> env,
                                           boolean sharedArchive) {
        Optional<Path> archive = sharedArchive
                ? jar().map(j -> j.resolveSibling("harness.jsa")).filter(Files::isReadable) : Optional.empty();
        return javaCommand(options, extraOptionsEnv, env, archive);
    }

    /** As {@link #javaCommand(List, String, Map, boolean)}, with the archive to use given. */
    static List<String> javaCommand(List<String> options, String extraOptionsEnv, Map<String, String> env,
                                    Optional<Path> archive) {
        String extra = extraOptionsEnv == null ? null : env.get(extraOptionsEnv);
        List<String> extras = extra == null || extra.isBlank() ? List.of() : List.of(extra.trim().split("\\s+"));
        boolean ownArchive = extras.stream().anyMatch(o -> o.startsWith("-XX:SharedArchiveFile=") || o.startsWith("-XX:ArchiveClassesAtExit="));
        boolean useArchive = archive.isPresent() && !ownArchive;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        if (useArchive) {
            command.addAll(QUIET_ARCHIVE); // before the extras, which may say otherwise
        }
        command.addAll(extras);
        for (String property : INHERITED_PROPERTIES) {
            String value = System.getProperty(property);
            if (value != null) {
                command.add("-D" + property + "=" + value);
            }
        }
        if (useArchive) {
            command.add("-XX:SharedArchiveFile=" + archive.get());
        }
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classpath()));
        return command;
    }
}
