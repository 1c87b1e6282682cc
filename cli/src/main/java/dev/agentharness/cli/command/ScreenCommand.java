package dev.agentharness.cli.command;

import dev.agentharness.service.screen.PromptRulesFile;

import dev.agentharness.service.lookup.SessionResolver;
import dev.agentharness.service.screen.StoredScreen;
import dev.agentharness.core.Session;
import dev.agentharness.store.SqliteStores;
import dev.agentharness.terminal.Prompt;
import dev.agentharness.terminal.PromptDetector;
import dev.agentharness.terminal.Screen;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "screen", sortOptions = false,
        description = {"Print what a terminal session's screen shows now: its rows, the cursor and the window title.",
                "Rendered from the stored output by a terminal emulator, so it works with the daemon down and after a crash."})
public final class ScreenCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Parameters(index = "0", paramLabel = "SESSION")
    String session;

    @Mixin
    JsonOption json;

    public ScreenCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Session s;
        Screen screen;
        try (SqliteStores stores = ctx.openStores()) {
            s = new SessionResolver(stores.sessions()).resolve(session);
            screen = new StoredScreen(stores.outputs(), stores.events()).replay(s).emulator().screen();
        }
        Optional<Prompt> prompt = new PromptDetector(PromptRulesFile.load(ctx.home().dir())).detect(screen);
        if (json.enabled()) {
            ctx.printJson(view(s, screen, prompt.orElse(null)));
            return 0;
        }
        PrintWriter out = ctx.env().out();
        for (String line : screen.lines().subList(0, lastNonBlank(screen.lines()))) {
            out.println(line);
        }
        out.println("-- " + s.label() + " " + s.status().wireName() + ", " + screen.cols() + "x" + screen.rows()
                + ", cursor " + (screen.cursorRow() + 1) + "," + (screen.cursorCol() + 1)
                + (screen.cursorVisible() ? "" : " (hidden)")
                + (screen.alternateScreen() ? ", alternate screen" : "")
                + (screen.title().isEmpty() ? "" : ", title \"" + screen.title() + "\""));
        prompt.ifPresent(p -> out.println("-- waiting: " + p.question()
                + (p.options().isEmpty() ? "" : " [" + String.join(" | ", p.options()) + "]")));
        return 0;
    }

    private static int lastNonBlank(List<String> lines) {
        int n = lines.size();
        while (n > 0 && lines.get(n - 1).isEmpty()) {
            n--;
        }
        return n;
    }

    /** The JSON view; rows and cursor are 0-based, as tmux's cursor_x/cursor_y are. */
    static Map<String, Object> view(Session s, Screen screen, Prompt prompt) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", s.id());
        v.put("status", s.status().wireName());
        v.put("cols", screen.cols());
        v.put("rows", screen.rows());
        v.put("lines", screen.lines());
        Map<String, Object> cursor = new LinkedHashMap<>();
        cursor.put("row", screen.cursorRow());
        cursor.put("col", screen.cursorCol());
        cursor.put("visible", screen.cursorVisible());
        v.put("cursor", cursor);
        v.put("title", screen.title());
        v.put("alternateScreen", screen.alternateScreen());
        v.put("bracketedPaste", screen.modes().bracketedPaste());
        Map<String, Object> p = new LinkedHashMap<>();
        if (prompt != null) {
            p.put("kind", prompt.kind());
            p.put("question", prompt.question());
            p.put("options", prompt.options());
            p.put("selected", prompt.selected());
        }
        v.put("prompt", prompt == null ? null : p);
        return v;
    }
}
