package dev.agentharness.cli.command;

import dev.agentharness.core.error.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code --env-file FILE} in docker's format, so that a file written for {@code docker run
 * --env-file} works unchanged: one {@code NAME=VALUE} per line, the value taken literally (no quotes
 * removed, no variables expanded, spaces kept); lines starting with {@code #} and blank lines are
 * skipped; a line with only {@code NAME} takes that variable from the caller's environment, and is
 * skipped when the caller has none. Leading whitespace of a line is ignored, as docker does.
 */
final class EnvFile {
    /** What a shell accepts as a variable name; anything else could never be read by the agent. */
    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvFile() {
    }

    static Map<String, String> read(Path file, Map<String, String> callerEnv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageException("--env-file " + file + ": no such file");
        } catch (IOException e) {
            throw new UsageException("--env-file " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).stripLeading();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String name = eq < 0 ? line.stripTrailing() : line.substring(0, eq);
            if (!NAME.matcher(name).matches()) {
                throw new UsageException("--env-file " + file + " line " + (i + 1) + ": invalid variable name '"
                        + name + "' (expected letters, digits and _, not starting with a digit)");
            }
            if (eq >= 0) {
                env.put(name, line.substring(eq + 1));
            } else if (callerEnv.containsKey(name)) {
                env.put(name, callerEnv.get(name));
            }
        }
        return env;
    }

    /** One {@code --env K=V} value, with a message that names the option once. */
    static Map.Entry<String, String> parseAssignment(String text) {
        int eq = text.indexOf('=');
        if (eq < 0) {
            throw new UsageException("invalid --env '" + text + "' (expected NAME=VALUE)");
        }
        String name = text.substring(0, eq);
        if (!NAME.matcher(name).matches()) {
            throw new UsageException("invalid --env '" + text + "': the name must be letters, digits and _, "
                    + "not starting with a digit");
        }
        return Map.entry(name, text.substring(eq + 1));
    }
}
