package dev.agentharness.cli.command;

import dev.agentharness.core.error.UsageException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command given as one string ({@code projects set --command 'claude -p'}) into argv the
 * way a POSIX shell splits words: blanks separate, single quotes keep everything, double quotes keep
 * everything but {@code \"}, {@code \\}, {@code \$} and {@code \`}, a backslash outside quotes escapes the next character.
 * Nothing is expanded ({@code $VAR}, globs, {@code ~} stay as written): the result runs as argv,
 * never through a shell.
 */
final class Words {
    private Words() {
    }

    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'') {
                int end = text.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new UsageException("unterminated ' in command: " + text);
                }
                word.append(text, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '"') {
                int j = i + 1;
                for (; j < text.length() && text.charAt(j) != '"'; j++) {
                    char d = text.charAt(j);
                    if (d == '\\' && j + 1 < text.length() && "\"\\$`".indexOf(text.charAt(j + 1)) >= 0) {
                        d = text.charAt(++j);
                    }
                    word.append(d);
                }
                if (j >= text.length()) {
                    throw new UsageException("unterminated \" in command: " + text);
                }
                i = j;
                inWord = true;
            } else if (c == '\\' && i + 1 < text.length()) {
                word.append(text.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
