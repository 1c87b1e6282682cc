package dev.agentharness.supervisor.internal.watch;

import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.core.store.OutputStore;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.terminal.Prompt;
import dev.agentharness.terminal.PromptDetector;
import dev.agentharness.terminal.PromptRules;
import dev.agentharness.terminal.ScreenEmulator;
import dev.agentharness.terminal.ScreenEmulators;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sees a terminal session waiting for an answer the way its user would: on the rendered screen,
 * not in the raw bytes, where a full-screen program's menu is cursor moves and colour codes. Each
 * terminal session has a screen emulator here, fed the session's stored output from a seq cursor
 * (so it needs nothing from the process that owns the terminal), and asked for a
 * {@link PromptDetector prompt} when the watchdog finds the session quiet.
 *
 * <p>The rules come from {@code prompts.conf} in the home, read again when the file changes; a
 * broken file is logged once and the defaults stay in force.
 */
@Singleton
public final class ScreenCheckpointDetector {
    private static final Logger LOG = LoggerFactory.getLogger(ScreenCheckpointDetector.class);
    private static final int PAGE = 1000;

    private final OutputStore outputs;
    private final Path rulesFile;
    private final Map<String, Tracked> screens = new ConcurrentHashMap<>();
    private volatile PromptDetector detector = new PromptDetector(PromptRules.defaults());
    private volatile FileTime rulesLoaded;

    @Inject
    public ScreenCheckpointDetector(OutputStore outputs, HarnessHome home) {
        this(outputs, home.dir().resolve(PromptRules.FILE_NAME));
    }

    public ScreenCheckpointDetector(OutputStore outputs, Path rulesFile) {
        this.outputs = outputs;
        this.rulesFile = rulesFile;
    }

    private static final class Tracked {
        final ScreenEmulator emulator;
        long seq;
        long checkedSeq = -1;
        /** The prompt last reported, and whether the screen as of {@code seq} still shows it. */
        Prompt reported;
        long stillCheckedSeq = -1;
        boolean stillShows;

        Tracked(TerminalSize size) {
            this.emulator = ScreenEmulators.create(size);
        }
    }

    /**
     * Brings the session's screen up to the stored output and reads a prompt off it.
     *
     * @return empty when nothing is asked, and also when nothing changed since the last call (the
     *         same prompt is not reported twice)
     */
    public Optional<Prompt> check(String sessionId, TerminalSize size) {
        Tracked t = catchUp(sessionId, size);
        if (t.seq == t.checkedSeq) {
            return Optional.empty();
        }
        t.checkedSeq = t.seq;
        Optional<Prompt> prompt = rules().detect(t.emulator.screen());
        prompt.ifPresent(p -> t.reported = p);
        return prompt;
    }

    /**
     * Whether the screen, with the output stored since, still shows the prompt last reported: a
     * full-screen program redraws its menu (a spinner, a blinking hint) while it waits, and that
     * output is not an answer.
     */
    public boolean stillShows(String sessionId, TerminalSize size) {
        Tracked t = catchUp(sessionId, size);
        if (t.reported == null) {
            return false;
        }
        if (t.seq != t.stillCheckedSeq) {
            t.stillCheckedSeq = t.seq;
            t.stillShows = rules().detect(t.emulator.screen()).filter(t.reported::equals).isPresent();
            t.checkedSeq = t.seq;
        }
        return t.stillShows;
    }

    private Tracked catchUp(String sessionId, TerminalSize size) {
        Tracked t = screens.computeIfAbsent(sessionId, id -> new Tracked(size));
        while (true) {
            List<OutputChunk> page = outputs.after(sessionId, t.seq, PAGE);
            for (OutputChunk c : page) {
                t.emulator.feed(c.text());
                t.seq = c.seq();
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        return t;
    }

    /** The session's terminal has a new size; output after this is drawn for it. */
    public void resized(String sessionId, TerminalSize size) {
        Tracked t = screens.get(sessionId);
        if (t != null) {
            t.emulator.resize(size);
            t.checkedSeq = -1;
        }
    }

    /** Drops the screens of sessions that are no longer live. */
    public void retainOnly(Set<String> liveIds) {
        if (!screens.isEmpty()) {
            screens.keySet().retainAll(liveIds);
        }
    }

    private PromptDetector rules() {
        try {
            FileTime modified = Files.getLastModifiedTime(rulesFile);
            if (!modified.equals(rulesLoaded)) {
                rulesLoaded = modified;
                try {
                    detector = new PromptDetector(PromptRules.parse(Files.readAllLines(rulesFile, StandardCharsets.UTF_8),
                            rulesFile.toString()));
                    LOG.info("screen prompts: rules from {}", rulesFile);
                } catch (IllegalArgumentException | IOException e) {
                    LOG.warn("screen prompts: {} ignored, keeping the rules in force: {}", rulesFile, e.getMessage());
                }
            }
        } catch (IOException noFile) {
            if (rulesLoaded != null) {
                rulesLoaded = null;
                detector = new PromptDetector(PromptRules.defaults());
            }
        }
        return detector;
    }
}
