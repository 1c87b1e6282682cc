package dev.agentharness.mcp;

import dev.agentharness.core.error.HarnessException;
import dev.agentharness.terminal.KeyEncoder;
import dev.agentharness.terminal.Prompt;
import dev.agentharness.terminal.Screen;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What to type to answer the question a session waits on, as its screen shows it (the terminal
 * module's {@code PromptDetector}: a numbered menu, a yes/no question, "press Enter", a confirmation).
 *
 * <ul>
 *   <li>A menu choice: the cursor keys from the marked entry to the chosen one, then Enter, as a
 *       person would answer; every menu that draws a marker takes them. When the marked entry is not
 *       known, the entry's number, which Claude Code's menus (and most numbered menus) take as
 *       "pick this one".</li>
 *   <li>A choice among {@code (y/n)}'s options: that option, then Enter.</li>
 *   <li>Text: the text, then Enter.</li>
 * </ul>
 * Enter is CR on a terminal (what a keyboard sends) and a newline on pipes; keys are encoded for
 * the modes the program asked for (application cursor keys, bracketed paste).
 */
final class CheckpointAnswer {
    private CheckpointAnswer() {
    }

    /**
     * @param choice 1-based, or null when {@code text} answers
     * @throws HarnessException (a tool error) when the choice is not one the question offers
     */
    static byte[] encode(Prompt prompt, Screen.InputModes modes, boolean tty, Integer choice, String text) {
        String enter = tty ? "\r" : "\n";
        if (choice == null) {
            String typed = tty && text.codePointCount(0, text.length()) > 1 ? new KeyEncoder(modes).text(text) : text;
            return (typed + enter).getBytes(StandardCharsets.UTF_8);
        }
        List<String> options = prompt == null ? List.of() : prompt.options();
        if (options.isEmpty()) {
            throw new HarnessException("the question offers no choices to pick by number"
                    + (prompt == null ? "" : " ('" + prompt.question() + "')") + ": answer with text");
        }
        if (choice < 1 || choice > options.size()) {
            throw new HarnessException("choice " + choice + " is not offered: the question has " + options.size()
                    + " (" + String.join(" | ", options) + ")");
        }
        if (prompt.kind().equals("menu")) {
            if (!tty || prompt.selected() < 0) {
                return String.valueOf(choice).getBytes(StandardCharsets.UTF_8);
            }
            List<String> keys = new ArrayList<>();
            int from = prompt.selected();
            int to = choice - 1;
            for (int i = from; i != to; i += Integer.signum(to - from)) {
                keys.add(to > from ? "Down" : "Up");
            }
            keys.add("Enter");
            return new KeyEncoder(modes).encode(keys);
        }
        String option = options.get(choice - 1);
        if (option.equalsIgnoreCase("enter")) {
            return enter.getBytes(StandardCharsets.UTF_8);
        }
        return (option + enter).getBytes(StandardCharsets.UTF_8);
    }
}
