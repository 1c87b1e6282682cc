package dev.agentharness.supervisor.internal.lifecycle;

import dev.agentharness.supervisor.launch.ThisJvm;

import dev.agentharness.agents.AgentHooks;
import dev.agentharness.agents.AgentProfile;
import dev.agentharness.store.HarnessHome;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The callback an agent's hooks run ({@code harness hook}), and the settings file that registers it,
 * which lives in the harness home ({@code claude-hooks.json}, mode 0600): the user's own settings
 * files are never written. One file per profile serves every session: the hook learns its session
 * from {@code HARNESS_SESSION_ID}, which the agent passes on to the commands it runs.
 *
 * <p>The callback is this JVM's own java and class path running the CLI's {@code hook} command
 * directly, not the {@code ./harness} script: the script looks for stale sources on every run and
 * may rebuild, neither of which a hook that holds up a tool call can afford. It gets the options of
 * a short-lived command (C1, the serial collector, the launcher's AppCDS archive where there is one),
 * which keep its start near that of any other CLI command.
 */
@Singleton
public final class AgentHookSetup {
    private static final Logger LOG = LoggerFactory.getLogger(AgentHookSetup.class);
    /** The CLI's entry point; the hook is its {@code hook} command. */
    static final String CLI_MAIN_CLASS = "dev.agentharness.cli.Main";
    static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
            "-Xmx64m");
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./=:,@%+-]+");

    private final HarnessHome home;

    @Inject
    public AgentHookSetup(HarnessHome home) {
        this.home = home;
    }

    /**
     * The settings file that registers {@code profile}'s hooks, written first when it is missing or
     * says something else (another build, another home); null when the profile has no hooks or the
     * file cannot be written, in which case the agent runs without them and screen patterns remain.
     */
    public Path settingsFor(AgentProfile profile) {
        AgentHooks hooks = profile.hooks().orElse(null);
        if (hooks == null) {
            return null;
        }
        Path file = home.dir().toAbsolutePath().resolve(profile.name() + "-hooks.json");
        String content = hooks.settings(shellCommand(hookArgv(home.dir().toAbsolutePath())));
        try {
            if (Files.isRegularFile(file) && Files.readString(file, StandardCharsets.UTF_8).equals(content)) {
                return file;
            }
            write(file, content);
            return file;
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot write {} ({}); {} sessions run without the harness's hooks", file, e.getMessage(), profile.name());
            return null;
        }
    }

    /** Written beside itself and moved into place, so that an agent starting now reads all of it or the old one. */
    private static void write(Path file, String content) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** {@code java [options] -cp CLASSPATH dev.agentharness.cli.Main --home HOME hook}, from this JVM. */
    static List<String> hookArgv(Path home) {
        List<String> argv = new ArrayList<>(ThisJvm.javaCommand(JVM_OPTIONS, null, Map.of(), true));
        argv.add(CLI_MAIN_CLASS);
        argv.add("--home");
        argv.add(home.toString());
        argv.add("hook");
        return argv;
    }

    /**
     * {@code argv} as one line for a POSIX shell, which is how Claude Code runs a hook: each word
     * that is not plainly safe goes in single quotes, a quote inside as {@code '\''}. So a home or
     * class path with spaces, quotes or {@code $} reaches the hook as it is, never expanded.
     */
    static String shellCommand(List<String> argv) {
        StringBuilder sb = new StringBuilder();
        for (String a : argv) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            if (!a.isEmpty() && SHELL_SAFE.matcher(a).matches()) {
                sb.append(a);
            } else {
                sb.append('\'').append(a.replace("'", "'\\''")).append('\'');
            }
        }
        return sb.toString();
    }
}
