package dev.agentharness.terminal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns tmux's key names ({@code Enter}, {@code Up}, {@code C-c}, {@code M-x}, {@code S-Tab}, {@code F5}...)
 * into the bytes an xterm sends for them, so that {@code harness send --keys} means what
 * {@code tmux send-keys} means. Names are case-insensitive; {@code C-}, {@code M-} and {@code S-}
 * prefixes combine ({@code C-M-Up}).
 *
 * <p>A word that is not a key name is text. One character is typed as it is; longer text is sent as
 * a bracketed paste when the program asked for that mode, so that an editor or a TUI takes it as one
 * paste instead of keystrokes (a newline in it does not submit), and typed otherwise.
 */
public final class KeyEncoder {
    private static final String ESC = "\u001B";
    private static final String PASTE_START = ESC + "[200~";
    private static final String PASTE_END = ESC + "[201~";

    /** Keys whose bytes do not depend on a mode; the cursor keys are handled apart. */
    private static final Map<String, String> PLAIN = Map.ofEntries(
            Map.entry("enter", "\r"),
            Map.entry("tab", "\t"),
            Map.entry("btab", ESC + "[Z"),
            Map.entry("escape", ESC),
            Map.entry("space", " "),
            Map.entry("bspace", "\u007F"),
            Map.entry("ic", ESC + "[2~"),
            Map.entry("insert", ESC + "[2~"),
            Map.entry("dc", ESC + "[3~"),
            Map.entry("delete", ESC + "[3~"),
            Map.entry("ppage", ESC + "[5~"),
            Map.entry("pageup", ESC + "[5~"),
            Map.entry("pgup", ESC + "[5~"),
            Map.entry("npage", ESC + "[6~"),
            Map.entry("pagedown", ESC + "[6~"),
            Map.entry("pgdn", ESC + "[6~"),
            Map.entry("f1", ESC + "OP"),
            Map.entry("f2", ESC + "OQ"),
            Map.entry("f3", ESC + "OR"),
            Map.entry("f4", ESC + "OS"),
            Map.entry("f5", ESC + "[15~"),
            Map.entry("f6", ESC + "[17~"),
            Map.entry("f7", ESC + "[18~"),
            Map.entry("f8", ESC + "[19~"),
            Map.entry("f9", ESC + "[20~"),
            Map.entry("f10", ESC + "[21~"),
            Map.entry("f11", ESC + "[23~"),
            Map.entry("f12", ESC + "[24~"));

    /** Cursor keys: their final byte; {@code ESC [ x}, or {@code ESC O x} in application mode. */
    private static final Map<String, Character> CURSOR = Map.of(
            "up", 'A', "down", 'B', "right", 'C', "left", 'D', "home", 'H', "end", 'F');

    private final Screen.InputModes modes;

    /** @param modes the program's input modes now (see {@link Screen#modes()}) */
    public KeyEncoder(Screen.InputModes modes) {
        this.modes = modes;
    }

    /** The bytes of these words, one after the other. */
    public byte[] encode(List<String> words) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String w : words) {
            out.writeBytes(encode(w).getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /** One key name, or text. */
    public String encode(String word) {
        return key(word).orElseGet(() -> text(word));
    }

    /** The bytes of a key name, or empty when {@code word} is not one. */
    public Optional<String> key(String word) {
        if (word.isEmpty()) {
            return Optional.empty();
        }
        boolean ctrl = false;
        boolean meta = false;
        boolean shift = false;
        String rest = word;
        // "C-" etc. are prefixes only while something follows them: "C-" alone is text.
        while (rest.length() > 2 && rest.charAt(1) == '-') {
            char m = Character.toUpperCase(rest.charAt(0));
            if (m == 'C') {
                ctrl = true;
            } else if (m == 'M') {
                meta = true;
            } else if (m == 'S') {
                shift = true;
            } else {
                break;
            }
            rest = rest.substring(2);
        }
        String name = rest.toLowerCase(Locale.ROOT);
        String base;
        if (CURSOR.containsKey(name)) {
            return Optional.of(cursor(CURSOR.get(name), ctrl, meta, shift));
        } else if (PLAIN.containsKey(name)) {
            base = PLAIN.get(name);
            if (ctrl && name.equals("space")) {
                base = "\u0000";
                ctrl = false;
            }
            if (shift && name.equals("tab")) {
                base = PLAIN.get("btab");
                shift = false;
            }
            if (ctrl || shift) {
                // xterm's modified forms exist for the ~ keys; anything else has no distinct encoding
                base = modifiedTilde(base, ctrl, shift, meta);
                meta = meta && !base.contains(";");
            }
        } else if (rest.codePointCount(0, rest.length()) == 1 && (ctrl || meta || shift) && rest != word) {
            base = rest;
            if (ctrl) {
                Optional<String> c = control(rest.charAt(0));
                if (c.isEmpty()) {
                    return Optional.empty();
                }
                base = c.get();
            }
            if (shift) {
                base = base.toUpperCase(Locale.ROOT);
            }
        } else {
            return Optional.empty();
        }
        return Optional.of(meta ? ESC + base : base);
    }

    private String cursor(char fin, boolean ctrl, boolean meta, boolean shift) {
        int mod = 1 + (shift ? 1 : 0) + (meta ? 2 : 0) + (ctrl ? 4 : 0);
        if (mod > 1) {
            return ESC + "[1;" + mod + fin;
        }
        return ESC + (modes.applicationCursorKeys() ? "O" : "[") + fin;
    }

    private static String modifiedTilde(String base, boolean ctrl, boolean shift, boolean meta) {
        if (!base.startsWith(ESC + "[") || !base.endsWith("~")) {
            return base;
        }
        int mod = 1 + (shift ? 1 : 0) + (meta ? 2 : 0) + (ctrl ? 4 : 0);
        return base.substring(0, base.length() - 1) + ";" + mod + "~";
    }

    /** C-a is 0x01 ... C-z 0x1A, C-@ and C-Space 0x00, C-[ ESC, C-\ 0x1C, C-] 0x1D, C-^ 0x1E, C-_ 0x1F, C-? DEL. */
    private static Optional<String> control(char c) {
        char u = Character.toUpperCase(c);
        if (u >= 'A' && u <= 'Z') {
            return Optional.of(String.valueOf((char) (u - 'A' + 1)));
        }
        return switch (c) {
            case '@', ' ', '2' -> Optional.of("\u0000");
            case '[', '3' -> Optional.of(ESC);
            case '\\', '4' -> Optional.of("\u001C");
            case ']', '5' -> Optional.of("\u001D");
            case '^', '6' -> Optional.of("\u001E");
            case '_', '7', '/' -> Optional.of("\u001F");
            case '?', '8' -> Optional.of("\u007F");
            default -> Optional.empty();
        };
    }

    /** Text: one character typed; more, a bracketed paste when the program asked for it. */
    public String text(String text) {
        if (modes.bracketedPaste() && text.codePointCount(0, text.length()) > 1) {
            // A paste must not end itself early: drop any end marker inside it, as xterm does.
            return PASTE_START + text.replace(PASTE_END, "") + PASTE_END;
        }
        return text;
    }
}
