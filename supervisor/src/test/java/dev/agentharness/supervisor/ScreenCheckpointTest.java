package dev.agentharness.supervisor;

import static dev.agentharness.supervisor.testing.TestHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.agentharness.core.EventType;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.supervisor.internal.watch.Watchdog;
import dev.agentharness.supervisor.testing.MutableClock;
import dev.agentharness.supervisor.testing.TestHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Terminal sessions wait at a checkpoint when their rendered screen shows a question at the cursor,
 * read from the stored output by a screen emulator. The programs write with CRLF and escape
 * sequences, as on a terminal, so these hold whether the session runs on a pty or (before the
 * keeper) on pipes.
 */
class ScreenCheckpointTest {
    @TempDir
    Path dir;
    final MutableClock clock = MutableClock.startingNow();
    TestHarness h;
    Watchdog watchdog;

    @BeforeEach
    void start() {
        h = TestHarness.started(dir, clock, TestHarness.fastConfig());
        watchdog = h.get(Watchdog.class);
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private Session startTty(String script) {
        return h.supervisor.startSession(SessionSpec.builder(List.of("sh", "-c", script), dir.toString())
                .terminal(new TerminalSize(60, 20)).build());
    }

    private void quietThenTick(String id, String endsWith) {
        await(() -> h.output(id).endsWith(endsWith), "the screen to be drawn");
        clock.advance(Duration.ofSeconds(1));
        watchdog.tick();
    }

    /** Claude Code's hooks report into the row (as harness hook does); the watchdog takes them from there. */
    @Test
    void hooksDecideAClaudeSessionsCheckpointsOnceOneReportedAndTheScreenIsTheFallbackUntilThen() throws Exception {
        Path claude = dir.resolve("bin").resolve("claude");
        Files.createDirectories(claude.getParent());
        Files.writeString(claude, "#!/bin/sh\nprintf 'Do you want to proceed?\\r\\n❯ 1. Yes\\r\\n  2. No\\r\\n'\n"
                + "read answer; sleep 30\n");
        claude.toFile().setExecutable(true);
        Session s = h.supervisor.startSession(SessionSpec.builder(List.of(claude.toString()), dir.toString())
                .terminal(new TerminalSize(60, 20)).build());
        assertEquals("claude", s.spec().agent());
        quietThenTick(s.id(), "2. No\r\n");
        assertEquals(SessionStatus.WAITING_CHECKPOINT, h.session(s.id()).status(), "no hook yet: the screen decides");

        var store = h.get(dev.agentharness.core.store.SessionStore.class);
        store.recordHook(s.id(), null, null, 0,
                new dev.agentharness.core.AgentActivity(dev.agentharness.core.AgentActivity.State.IDLE, null, clock.instant()));
        watchdog.tick();
        assertEquals(SessionStatus.RUNNING, h.session(s.id()).status(), "the hook says idle: not waiting");
        clock.advance(Duration.ofSeconds(1));
        watchdog.tick();
        assertEquals(SessionStatus.RUNNING, h.session(s.id()).status(), "the menu still drawn no longer counts");

        clock.advance(Duration.ofSeconds(1));
        store.recordHook(s.id(), null, null, 0, new dev.agentharness.core.AgentActivity(
                dev.agentharness.core.AgentActivity.State.WAITING, "Claude needs your permission to use Bash", clock.instant()));
        watchdog.tick();
        Session waiting = h.session(s.id());
        assertEquals(SessionStatus.WAITING_CHECKPOINT, waiting.status());
        assertEquals("Claude needs your permission to use Bash", waiting.reason());
        List<String> kinds = h.events(s.id()).stream().filter(e -> e.type() == EventType.CHECKPOINT)
                .map(e -> String.valueOf(e.data().get("kind"))).toList();
        assertEquals(List.of("menu", "hook"), kinds, "the screen's, then the hook's");

        h.supervisor.send(s.id(), "1\n".getBytes(StandardCharsets.UTF_8));
        clock.advance(Duration.ofSeconds(1));
        watchdog.tick();
        assertEquals(SessionStatus.RUNNING, h.session(s.id()).status(), "answered: the same report is not taken twice");
    }

    @Test
    void aMenuOnTheScreenIsACheckpointWithItsQuestionAndOptions() throws Exception {
        Session s = startTty("printf '\\033[H\\033[2J╭──────────────╮\\r\\n│ Do you want to proceed? │\\r\\n│ ❯ 1. Yes │\\r\\n│   2. No │\\r\\n╰──────────────╯\\r\\n'; "
                + "read answer; echo \"chose $answer\"; sleep 30");
        quietThenTick(s.id(), "╯\r\n");
        Session waiting = h.session(s.id());
        assertEquals(SessionStatus.WAITING_CHECKPOINT, waiting.status());
        assertEquals("Do you want to proceed?", waiting.reason());
        Map<String, Object> data = h.event(s.id(), EventType.CHECKPOINT).data();
        assertEquals("menu", data.get("kind"));
        assertEquals("Do you want to proceed?", data.get("question"));
        assertEquals(List.of("1. Yes", "2. No"), data.get("options"));

        h.supervisor.send(s.id(), "2\n".getBytes(StandardCharsets.UTF_8));
        Session answered = h.session(s.id());
        assertEquals(SessionStatus.RUNNING, answered.status());
        assertNull(answered.reason(), "the question goes with the wait");
        await(() -> h.output(s.id()).contains("chose 2"), "the answer");
        clock.advance(Duration.ofSeconds(1));
        watchdog.tick();
        assertEquals(1, h.eventTypes(s.id()).stream().filter(t -> t == EventType.CHECKPOINT).count(),
                "the menu scrolled up and away from the cursor: not asked again");
        h.supervisor.stop(s.id(), Duration.ofSeconds(1), true).get(30, TimeUnit.SECONDS);
    }

    @Test
    void aQuestionThatIsNoLongerOnTheScreenIsNoCheckpoint() throws Exception {
        // The raw bytes end in "(y/n)", but the program drew it on the alternate screen and left it:
        // the text detector would see a prompt, the screen shows none.
        Session s = startTty("printf '\\033[?1049hContinue? (y/n) \\033[?1049l$ '; sleep 30");
        quietThenTick(s.id(), "$ ");
        assertEquals(SessionStatus.RUNNING, h.session(s.id()).status());
        h.supervisor.stop(s.id(), Duration.ofSeconds(1), true).get(30, TimeUnit.SECONDS);
    }

    @Test
    void outputAfterTheQuestionEndsTheWait() throws Exception {
        Session s = startTty("printf 'Overwrite? [y/N] '; sleep 1; printf '\\r\\nworking\\r\\n'; sleep 30");
        quietThenTick(s.id(), "[y/N] ");
        assertEquals(SessionStatus.WAITING_CHECKPOINT, h.session(s.id()).status());
        assertEquals(List.of("y", "N"), h.event(s.id(), EventType.CHECKPOINT).data().get("options"));
        quietThenTick(s.id(), "working\r\n");
        assertEquals(SessionStatus.RUNNING, h.session(s.id()).status());
        assertNull(h.session(s.id()).reason());
        h.supervisor.stop(s.id(), Duration.ofSeconds(1), true).get(30, TimeUnit.SECONDS);
    }

    /** Gemini CLI and Codex redraw their menus while they wait; that is not an answer. */
    @Test
    void aMenuRedrawnUnchangedIsStillTheSameWait() throws Exception {
        String menu = "\\033[?25l\\033[H\\033[2JDo you want to proceed?\\r\\n● 1. Yes\\r\\n  2. No\\r\\n";
        Path go = dir.resolve("go");
        Path go2 = dir.resolve("go2");
        Session s = startTty("printf '" + menu + "'; while [ ! -f " + go + " ]; do sleep 0.05; done; printf '" + menu + "'; "
                + "while [ ! -f " + go2 + " ]; do sleep 0.05; done; printf '\\033[H\\033[2Jworking\\r\\n'; sleep 30");
        quietThenTick(s.id(), "2. No\r\n");
        assertEquals(SessionStatus.WAITING_CHECKPOINT, h.session(s.id()).status());
        Files.writeString(go, "");
        await(() -> h.output(s.id()).split("proceed", -1).length == 3, "the menu drawn again");
        clock.advance(Duration.ofSeconds(1));
        watchdog.tick();
        assertEquals(SessionStatus.WAITING_CHECKPOINT, h.session(s.id()).status(), "a redraw is not an answer");
        assertEquals(1, h.eventTypes(s.id()).stream().filter(t -> t == EventType.CHECKPOINT).count());
        Files.writeString(go2, "");
        quietThenTick(s.id(), "working\r\n");
        assertEquals(SessionStatus.RUNNING, h.session(s.id()).status(), "the menu is gone");
        h.supervisor.stop(s.id(), Duration.ofSeconds(1), true).get(30, TimeUnit.SECONDS);
    }

    @Test
    void theHomesPromptsFileReplacesTheDefaults() throws Exception {
        Files.writeString(h.home.dir().resolve("prompts.conf"), "confirm (?i)ready to launch\\?\n");
        Session s = startTty("printf 'Continue? (y/n) '; sleep 30");
        quietThenTick(s.id(), "(y/n) ");
        assertEquals(SessionStatus.RUNNING, h.session(s.id()).status(), "(y/n) is not in the file's rules");
        Session t = startTty("printf 'Ready to launch? '; sleep 30");
        quietThenTick(t.id(), "launch? ");
        assertEquals(SessionStatus.WAITING_CHECKPOINT, h.session(t.id()).status());
        h.supervisor.stop(s.id(), Duration.ofSeconds(1), true).get(30, TimeUnit.SECONDS);
        h.supervisor.stop(t.id(), Duration.ofSeconds(1), true).get(30, TimeUnit.SECONDS);
    }
}
