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
 * configured prompt patterns.
 */
public final class CheckpointDetector {
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
        String text = AnsiText.strip(tail);
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

    /**
     * @param text    what matched
     * @param pattern the pattern that matched it
     * @param end     where the match ends in the stripped tail
     */
    public record Match(String text, String pattern, int end) {
    }
}
