package dev.agentharness.daemon;

import dev.agentharness.supervisor.launch.ThisJvm;

import dev.agentharness.store.HarnessHome;
import dev.agentharness.supervisor.KeeperMode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the daemon starts a session's keeper (docs/design/keeper.md): the native keeper
 * ({@code harness-keeper} next to harness.jar, built from supervisor/src/main/c when gcc and
 * sqlite3.h were there) when it exists and is executable, otherwise the same jar in a small JVM.
 * Both speak the same protocol and leave the same files, so the daemon does not care which runs.
 * {@code HARNESS_KEEPER=jvm} forces the JVM keeper. Measured in docs/BENCHMARKS.md: the JVM
 * options are what keeps its RSS low (a 16 MiB heap, small thread stacks, the serial collector, C1
 * only, no perf data file) and its start short (C1, CDS); the native keeper needs none of that.
 */
public final class KeeperCommand {
    public static final String MAIN_CLASS = "dev.agentharness.supervisor.keeper.KeeperMain";
    /** Extra JVM options for keepers, split on whitespace, after the defaults. */
    public static final String JAVA_OPTS_ENV = "HARNESS_KEEPER_JAVA_OPTS";
    /** {@code HARNESS_KEEPERS=0} runs agents inside the daemon as before keepers (for comparisons only). */
    public static final String KEEPERS_ENV = "HARNESS_KEEPERS";
    /** {@code HARNESS_KEEPER=jvm} runs JVM keepers even where the native one was built. */
    public static final String KEEPER_ENV = "HARNESS_KEEPER";
    /** The native keeper's file name, next to harness.jar. */
    public static final String NATIVE_KEEPER = "harness-keeper";
    static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx16m", "-Xms4m", "-Xss256k", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=16m",
            "-XX:MaxMetaspaceSize=48m");
    private KeeperCommand() {
    }

    public static KeeperMode mode(HarnessHome home, Map<String, String> env) {
        if ("0".equals(env.get(KEEPERS_ENV))) {
            return KeeperMode.inProcess();
        }
        List<String> command = new ArrayList<>();
        ThisJvm.setsid().ifPresent(command::add);
        Path nativeKeeper = ThisJvm.jar().map(jar -> jar.resolveSibling(NATIVE_KEEPER)).orElse(null);
        if (nativeKeeper != null && !"jvm".equals(env.get(KEEPER_ENV)) && Files.isRegularFile(nativeKeeper)
                && Files.isExecutable(nativeKeeper)) {
            command.add(nativeKeeper.toString());
            return KeeperMode.keepers(command, home.dir().toAbsolutePath());
        }
        // The launcher's AppCDS archive of the same jar (recorded from a `ps` and a `start`): most of
        // what a keeper loads (the stores, sqlite-jdbc, the JDK) is in it, which shortens its start.
        command.addAll(ThisJvm.javaCommand(DEFAULT_JVM_OPTIONS, JAVA_OPTS_ENV, env, true));
        command.add(MAIN_CLASS);
        return KeeperMode.keepers(command, home.dir().toAbsolutePath());
    }

    private static boolean answers(Path socket) {
        try (var ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.connect(java.net.UnixDomainSocketAddress.of(socket));
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Whether any keeper answers on its socket or has left an exit record in the home. */
    public static boolean anyKeeperFiles(HarnessHome home) {
        Path dir = home.dir().resolve("keepers");
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var files = Files.list(dir)) {
            // A spare keeper (spare-PID.sock) has no session: it goes away with its daemon.
            return files.filter(p -> !p.getFileName().toString().startsWith("spare-"))
                    .anyMatch(p -> p.toString().endsWith(".exit") || (p.toString().endsWith(".sock") && answers(p)));
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
