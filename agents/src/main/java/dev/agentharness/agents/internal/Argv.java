package dev.agentharness.agents.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reading and rewriting agent command lines. Options are recognised as {@code --opt value},
 * {@code --opt=value} and {@code -o value}; which options take a value is the caller's table.
 */
public final class Argv {
    private Argv() {
    }

    /** The file name of the executable: {@code /usr/bin/claude} is {@code claude}. */
    public static String executable(List<String> command) {
        if (command.isEmpty()) {
            return "";
        }
        Path name = Path.of(command.get(0)).getFileName();
        return name == null ? command.get(0) : name.toString();
    }

    /** The value of the first of {@code names} present, or null. */
    public static String value(List<String> command, String... names) {
        for (int i = 1; i < command.size(); i++) {
            String a = command.get(i);
            if (a.equals("--")) {
                return null;
            }
            for (String n : names) {
                if (a.equals(n) && i + 1 < command.size()) {
                    return command.get(i + 1);
                }
                if (n.startsWith("--") && a.startsWith(n + "=")) {
                    return a.substring(n.length() + 1);
                }
            }
        }
        return null;
    }

    /** Whether any of {@code names} is present (as a flag or with a value). */
    public static boolean has(List<String> command, String... names) {
        for (int i = 1; i < command.size(); i++) {
            String a = command.get(i);
            if (a.equals("--")) {
                return false;
            }
            for (String n : names) {
                if (a.equals(n) || (n.startsWith("--") && a.startsWith(n + "="))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The options of {@code command} after the executable, without {@code drop} (and their values)
     * and without positional arguments (prompts). {@code withValue} names the options that take a
     * value; every other option is a flag. Stops at {@code stopAt} words (subcommands), if any.
     */
    public static List<String> options(List<String> command, int from, Set<String> withValue, Set<String> drop) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < command.size(); i++) {
            String a = command.get(i);
            if (a.equals("--")) {
                break;
            }
            if (!a.startsWith("-") || a.equals("-")) {
                continue; // a positional argument: the prompt, or a subcommand's word
            }
            String name = a.contains("=") && a.startsWith("--") ? a.substring(0, a.indexOf('=')) : a;
            boolean takesValue = withValue.contains(name) && !a.contains("=");
            if (!drop.contains(name)) {
                out.add(a);
                if (takesValue && i + 1 < command.size()) {
                    out.add(command.get(i + 1));
                }
            }
            if (takesValue) {
                i++;
            }
        }
        return out;
    }

    /** {@code command} with the value of option {@code name} replaced by {@code value}. */
    public static List<String> replaceValue(List<String> command, String name, String value) {
        List<String> out = new ArrayList<>(command);
        for (int i = 1; i < out.size(); i++) {
            if (out.get(i).equals(name) && i + 1 < out.size()) {
                out.set(i + 1, value);
                return out;
            }
            if (out.get(i).startsWith(name + "=")) {
                out.set(i, name + "=" + value);
                return out;
            }
        }
        return out;
    }
}
