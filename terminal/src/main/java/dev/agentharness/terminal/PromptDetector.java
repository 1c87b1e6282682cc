package dev.agentharness.terminal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a prompt off a rendered screen: a numbered menu or a question line near the cursor. The
 * caller decides when to look (after the screen has been quiet for a moment); this class only says
 * what the screen shows.
 *
 * <p>"Near the cursor" matters: a full-screen program keeps old questions on screen above its
 * input line, and only the one where the cursor is, or just above it, is waiting. Programs that hide
 * the cursor (most TUIs) still leave it at the bottom of what they drew, so the window is the same.
 */
public final class PromptDetector {
    /** Rows above the cursor that a menu with its question may take. */
    static final int ROWS_ABOVE = 20;
    /** Rows below the cursor still searched: a TUI's input box sits under its menu. */
    static final int ROWS_BELOW = 8;
    /**
     * Lines a full-screen program may draw under its menu (an entry's description, "Enter to
     * confirm · Esc to cancel", Gemini CLI's terms-of-service link); with a visible cursor nothing
     * may follow the menu.
     */
    static final int TUI_FOOTER_LINES = 6;
    /** How far above a menu its question (a line with a question mark) may be. */
    static final int QUESTION_ABOVE = 8;
    /** A question line must be this close to the cursor. */
    static final int QUESTION_DISTANCE = 3;

    /** Box-drawing borders and padding around a line of a TUI's panel. */
    private static final Pattern BORDER = Pattern.compile("^[\\s│┃║|╭╮╰╯┌┐└┘─━═]+|[\\s│┃║|╭╮╰╯┌┐└┘─━═]+$");
    private static final Pattern CHOICES = Pattern.compile("[(\\[]\\s*([^()\\[\\]]{1,40}?/[^()\\[\\]]{1,40}?)\\s*[)\\]]");

    private final PromptRules rules;
    private final Pattern option;

    public PromptDetector(PromptRules rules) {
        this.rules = rules;
        String sel = rules.selectors().isEmpty() ? "" : "(?<sel>[" + Pattern.quote(rules.selectors()) + "])?";
        this.option = Pattern.compile("^" + sel + "\\s*(?<num>\\d{1,2})[.)]\\s+(?<text>\\S.*)$");
    }

    public Optional<Prompt> detect(Screen screen) {
        int cursorRow = screen.cursorRow();
        if (!screen.cursorVisible()) {
            // A TUI that hides the cursor leaves it anywhere, often on the last row: what it drew
            // last is where its question is.
            while (cursorRow > 0 && clean(screen.lines().get(cursorRow)).isEmpty()) {
                cursorRow--;
            }
        }
        int top = Math.max(0, cursorRow - ROWS_ABOVE);
        int bottom = Math.min(screen.rows() - 1, cursorRow + ROWS_BELOW);
        List<String> lines = new ArrayList<>();
        for (int r = top; r <= bottom; r++) {
            lines.add(clean(screen.lines().get(r)));
        }
        int cursor = cursorRow - top;
        Optional<Prompt> menu = menu(lines, cursor, screen.cursorVisible() ? 0 : TUI_FOOTER_LINES);
        if (menu.isPresent()) {
            return menu;
        }
        // The question is the first line with text at or above the cursor: once anything is written
        // after it, it has been answered or given up on.
        for (int i = cursor; i >= Math.max(0, cursor - QUESTION_DISTANCE); i--) {
            String line = lines.get(i);
            if (line.isEmpty()) {
                continue;
            }
            for (PromptRules.Rule rule : rules.rules()) {
                if (rule.pattern().matcher(line).find()) {
                    return Optional.of(new Prompt(rule.kind(), line, options(rule.kind(), line), -1));
                }
            }
            break;
        }
        return Optional.empty();
    }

    private static List<String> options(String kind, String line) {
        if (kind.equals("press-enter")) {
            return List.of("Enter");
        }
        Matcher m = CHOICES.matcher(line);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        if (last == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String part : last.split("/")) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }

    /**
     * The last run of entries numbered 1, 2, 3... with one of them marked, and nothing but blank or
     * border lines between it and the cursor (a menu with text written under it was answered); its
     * question is the line above.
     */
    private Optional<Prompt> menu(List<String> lines, int cursor, int footerLines) {
        Prompt found = null;
        int i = 0;
        while (i < lines.size()) {
            Matcher m = option.matcher(lines.get(i));
            if (!m.matches() || !m.group("num").equals("1")) {
                i++;
                continue;
            }
            List<String> options = new ArrayList<>();
            int selected = -1;
            int first = i;
            int expect = 1;
            int gap = 0;
            int j = i;
            for (; j < lines.size(); j++) {
                Matcher o = option.matcher(lines.get(j));
                if (o.matches() && o.group("num").equals(String.valueOf(expect))) {
                    if (o.group("sel") != null) {
                        selected = expect - 1;
                    }
                    options.add(expect + ". " + o.group("text").strip());
                    expect++;
                    gap = 0;
                } else if (++gap > 2) {
                    break; // a description under an entry is fine; a paragraph ends the menu
                }
            }
            int last = lastOption(lines, first, options.size());
            if (options.size() >= 2 && selected >= 0 && textLinesBetween(lines, last + 1, cursor) <= footerLines) {
                found = new Prompt("menu", question(lines, first), options, selected);
            }
            i = Math.max(j, i + 1);
        }
        return Optional.ofNullable(found);
    }

    private int lastOption(List<String> lines, int first, int count) {
        int seen = 0;
        for (int k = first; k < lines.size(); k++) {
            if (option.matcher(lines.get(k)).matches() && ++seen == count) {
                return k;
            }
        }
        return lines.size() - 1;
    }

    private static int textLinesBetween(List<String> lines, int from, int toInclusive) {
        int n = 0;
        for (int k = from; k <= toInclusive && k < lines.size(); k++) {
            if (!lines.get(k).isEmpty()) {
                n++;
            }
        }
        return n;
    }

    /** The nearest line above the menu that asks something, else the nearest line with text. */
    private static String question(List<String> lines, int firstOption) {
        for (int k = firstOption - 1; k >= Math.max(0, firstOption - QUESTION_ABOVE); k--) {
            if (lines.get(k).contains("?")) {
                return lines.get(k);
            }
        }
        for (int k = firstOption - 1; k >= 0; k--) {
            if (!lines.get(k).isEmpty()) {
                return lines.get(k);
            }
        }
        return "";
    }

    static String clean(String line) {
        return BORDER.matcher(line).replaceAll("");
    }
}
