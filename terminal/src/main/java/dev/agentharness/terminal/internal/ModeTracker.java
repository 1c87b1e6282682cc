package dev.agentharness.terminal.internal;

import dev.agentharness.terminal.Screen;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Follows the escape sequences of a program's output for the state that JLine's emulator keeps to
 * itself or ignores: the window title, the input modes (bracketed paste, application cursor keys,
 * mouse tracking), cursor visibility and the alternate screen. It also says whether the stream is
 * between sequences, the only place where the emulator may be handed sequences of our own.
 */
final class ModeTracker {
    /** An OSC string longer than this is not a title; the rest of it is skipped. */
    private static final int MAX_OSC = 4096;

    private enum State { GROUND, ESC, CSI, OSC, OSC_ESC, STRING, STRING_ESC }

    private State state = State.GROUND;
    private final StringBuilder params = new StringBuilder();
    private final StringBuilder osc = new StringBuilder();

    private String title = "";
    private boolean bracketedPaste;
    private boolean applicationCursorKeys;
    private boolean cursorVisible = true;
    private boolean alternateScreen;
    private final TreeSet<Integer> mouse = new TreeSet<>();

    void feed(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            step(text.charAt(i));
        }
    }

    private void step(char c) {
        switch (state) {
            case GROUND -> {
                if (c == 0x1B) {
                    state = State.ESC;
                }
            }
            case ESC -> escape(c);
            case CSI -> {
                if (c >= 0x40 && c <= 0x7E) {
                    csi(params.toString(), c);
                    state = State.GROUND;
                } else if (c == 0x1B) {
                    state = State.ESC;
                } else if (c == 0x18 || c == 0x1A) {
                    state = State.GROUND;
                } else if (params.length() < 256) {
                    params.append(c);
                }
            }
            case OSC -> {
                if (c == 0x07) {
                    osc();
                    state = State.GROUND;
                } else if (c == 0x1B) {
                    state = State.OSC_ESC;
                } else if (osc.length() < MAX_OSC) {
                    osc.append(c);
                }
            }
            case OSC_ESC -> {
                // ESC \ ends the string; any other ESC also ends it and starts a sequence (as xterm does)
                osc();
                if (c == '\\') {
                    state = State.GROUND;
                } else {
                    state = State.ESC;
                    escape(c);
                }
            }
            case STRING -> {
                if (c == 0x1B) {
                    state = State.STRING_ESC;
                } else if (c == 0x07) {
                    state = State.GROUND;
                }
            }
            case STRING_ESC -> state = c == '\\' ? State.GROUND : State.STRING;
        }
    }

    private void escape(char c) {
        switch (c) {
            case '[' -> {
                params.setLength(0);
                state = State.CSI;
            }
            case ']' -> {
                osc.setLength(0);
                state = State.OSC;
            }
            case 'P', 'X', '^', '_' -> state = State.STRING;
            case 'c' -> {
                reset();
                state = State.GROUND;
            }
            case 0x1B -> state = State.ESC;
            default -> state = c >= 0x20 && c <= 0x2F ? State.ESC : State.GROUND; // intermediates, e.g. ESC ( B
        }
    }

    private void csi(String p, char fin) {
        if ((fin != 'h' && fin != 'l') || !p.startsWith("?")) {
            return;
        }
        boolean on = fin == 'h';
        for (String part : p.substring(1).split(";")) {
            int mode;
            try {
                mode = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                continue;
            }
            switch (mode) {
                case 1 -> applicationCursorKeys = on;
                case 25 -> cursorVisible = on;
                case 47, 1047, 1049 -> alternateScreen = on;
                case 2004 -> bracketedPaste = on;
                case 1000, 1002, 1003, 1005, 1006, 1015 -> {
                    if (on) {
                        mouse.add(mode);
                    } else {
                        mouse.remove(mode);
                    }
                }
                default -> { }
            }
        }
    }

    private void osc() {
        int semi = osc.indexOf(";");
        if (semi > 0) {
            String kind = osc.substring(0, semi);
            if (kind.equals("0") || kind.equals("2")) {
                title = osc.substring(semi + 1);
            }
        }
        osc.setLength(0);
    }

    private void reset() {
        title = "";
        bracketedPaste = false;
        applicationCursorKeys = false;
        cursorVisible = true;
        alternateScreen = false;
        mouse.clear();
    }

    boolean inGround() {
        return state == State.GROUND;
    }

    String title() {
        return title;
    }

    boolean cursorVisible() {
        return cursorVisible;
    }

    boolean alternateScreen() {
        return alternateScreen;
    }

    Screen.InputModes modes() {
        return new Screen.InputModes(bracketedPaste, applicationCursorKeys, new ArrayList<>(mouse));
    }

    List<Integer> mouseModes() {
        return new ArrayList<>(mouse);
    }
}
