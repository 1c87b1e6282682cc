package dev.agentharness.supervisor.testing;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** argv that runs a main class of the test classpath in a fresh JVM. */
public final class JavaCommand {
    private JavaCommand() {
    }

    public static List<String> of(Class<?> main, List<String> jvmOptions, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        argv.addAll(jvmOptions);
        argv.add("-cp");
        argv.add(classpath());
        argv.add(main.getName());
        argv.addAll(List.of(args));
        return argv;
    }

    /** A small, quick-starting JVM for helper programs. */
    public static List<String> of(Class<?> main, String... args) {
        return of(main, List.of("-Xmx64m", "-XX:+UseSerialGC", "-Xss512k"), args);
    }

    public static String classpath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
