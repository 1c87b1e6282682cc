package dev.agentharness.terminal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What counts as a prompt on a screen. Read from {@code prompts.conf} in the harness home when there
 * is one (it then replaces the defaults whole), one rule a line:
 * <pre>
 * # KIND REGEX        (KIND: yes-no, press-enter or confirm; the regex is Java's, matched in a line)
 * yes-no      (?i)[(\[]y(es)?/n(o)?[)\]]
 * selectors   ❯>›▸▶➤→●     (the characters that mark the chosen entry of a numbered menu)
 * </pre>
 * Numbered menus (two or more entries numbered from 1, one of them marked by a selector) are
 * recognised by structure, not by a regex.
 *
 * @param rules     line rules, tried in order
 * @param selectors the menu markers
 */
public record PromptRules(List<Rule> rules, String selectors) {
    public static final String FILE_NAME = "prompts.conf";

    /** The defaults, in the file's format (the README documents them from here). */
    public static final List<String> DEFAULT_LINES = List.of(
            "yes-no      (?i)[(\\[]\\s*y(es)?\\s*/\\s*n(o)?\\s*[)\\]]",
            "press-enter (?i)\\b(press|hit) (enter|return)\\b",
            "confirm     (?i)\\b(do you want to|would you like to|are you sure|shall i|should i)\\b.*\\?",
            "confirm     (?i)\\b(proceed|continue|overwrite|allow)\\s*\\?",
            "selectors   ❯>›▸▶➤→●");

    public PromptRules {
        rules = List.copyOf(rules);
    }

    public static PromptRules defaults() {
        return parse(DEFAULT_LINES, "the defaults");
    }

    /**
     * @param source where the lines come from, for the error message
     * @throws IllegalArgumentException naming the line that is wrong
     */
    public static PromptRules parse(List<String> lines, String source) {
        List<Rule> rules = new ArrayList<>();
        String selectors = "❯>";
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", 2);
            if (parts.length < 2) {
                throw new IllegalArgumentException(source + " line " + n + ": expected KIND REGEX");
            }
            String kind = parts[0];
            switch (kind) {
                case "selectors" -> selectors = parts[1].replaceAll("\\s+", "");
                case "yes-no", "press-enter", "confirm" -> {
                    try {
                        rules.add(new Rule(kind, Pattern.compile(parts[1])));
                    } catch (PatternSyntaxException e) {
                        throw new IllegalArgumentException(source + " line " + n + ": bad regex: " + e.getDescription());
                    }
                }
                default -> throw new IllegalArgumentException(source + " line " + n + ": unknown kind '" + kind
                        + "' (expected yes-no, press-enter, confirm or selectors)");
            }
        }
        return new PromptRules(rules, selectors);
    }

    /** @param kind yes-no, press-enter or confirm */
    public record Rule(String kind, Pattern pattern) {
    }
}
