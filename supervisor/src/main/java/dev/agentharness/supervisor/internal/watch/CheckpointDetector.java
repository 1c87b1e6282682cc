package dev.agentharness.supervisor.internal.watch;

import dev.agentharness.supervisor.SupervisorConfig;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises an agent waiting for an answer (GSD's {@code waiting_checkpoint}): after its output
 * has been quiet for a moment, the ANSI-stripped tail of that output is matched against the
 * configured prompt patterns. Only a match in the last {@link #LAST_LINES} lines counts: a prompt
 * that scrolled further up was answered, or was never one.
 */
public final class CheckpointDetector {
    /** Menus put a few lines under their question; more than this and the prompt is history. */
    static final int LAST_LINES = 10;

    private final List<Pattern> patterns;

    @Inject
    public CheckpointDetector(SupervisorConfig config) {
        this(config.checkpointPatterns());
    }

    public CheckpointDetector(List<String> regexes) {
        List<Pattern> compiled = new ArrayList<>();
        for (String r : regexes) {
            compiled.add(Pattern.compile(r));
        }
        this.patterns = List.copyOf(compiled);
    }

    /** The prompt text the tail ends in, or empty. The match that ends last wins. */
    public Optional<Match> match(String tail) {
        String text = lastLines(AnsiText.strip(tail));
        Match best = null;
        for (Pattern p : patterns) {
            Matcher m = p.matcher(text);
            while (m.find()) {
                if (best == null || m.end() > best.end) {
                    best = new Match(m.group().strip(), p.pattern(), m.end());
                }
            }
        }
        return Optional.ofNullable(best);
    }

    private static String lastLines(String text) {
        int end = text.length();
        while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        int start = end;
        for (int lines = 0; start > 0; start--) {
            if (text.charAt(start - 1) == '\n' && ++lines == LAST_LINES) {
                break;
            }
        }
        return text.substring(start);
    }

    /**
     * @param text    what matched
     * @param pattern the pattern that matched it
     * @param end     where the match ends in the text that was searched
     */
    public record Match(String text, String pattern, int end) {
    }
}
