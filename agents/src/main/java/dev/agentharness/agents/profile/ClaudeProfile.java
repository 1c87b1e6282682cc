package dev.agentharness.agents.profile;

import dev.agentharness.agents.AgentHooks;
import dev.agentharness.agents.AgentOutputParser;
import dev.agentharness.agents.AgentProfile;
import dev.agentharness.agents.LaunchContext;
import dev.agentharness.agents.LaunchPlan;
import dev.agentharness.agents.PriceTable;
import dev.agentharness.agents.internal.Argv;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Claude Code ({@code claude}). Structured output: {@code --output-format stream-json} (with
 * {@code -p --verbose}) or {@code json}. Its session id can be chosen up front
 * ({@code --session-id UUID}), and a conversation continues with {@code --resume ID}.
 */
public final class ClaudeProfile implements AgentProfile {
    public static final String NAME = "claude";

    /** Claude Code's options that take a value (so that a value is never mistaken for the prompt). */
    static final Set<String> WITH_VALUE = Set.of("--output-format", "--input-format", "--model", "--fallback-model",
            "--permission-mode", "--allowedTools", "--allowed-tools", "--disallowedTools", "--disallowed-tools", "--tools",
            "--add-dir", "--mcp-config", "--append-system-prompt", "--system-prompt", "--settings", "--setting-sources",
            "--max-turns", "--max-budget-usd", "--agents", "--agent", "--session-id", "-r", "--resume",
            "--permission-prompt-tool", "--json-schema", "--plugin-dir", "--betas", "--debug-file", "--from-pr");
    private static final Set<String> NOT_RESUMED = Set.of("--session-id", "-r", "--resume", "-c", "--continue",
            "--fork-session", "--from-pr");

    /** {@code claude mcp list} and the like start no conversation: no id for them. */
    private static final Set<String> SUBCOMMANDS = Set.of("mcp", "config", "doctor", "update", "install", "migrate-installer",
            "setup-token", "plugin", "plugins", "auth", "login", "logout", "agents");

    /** The first word that is neither an option nor an option's value: the prompt, or a subcommand. */
    private static String firstWord(List<String> command) {
        for (int i = 1; i < command.size(); i++) {
            String a = command.get(i);
            if (a.startsWith("-")) {
                if (WITH_VALUE.contains(a)) {
                    i++;
                }
                continue;
            }
            return a;
        }
        return "";
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean runs(String executable) {
        return executable.equals("claude") || executable.equals("claude-code");
    }

    @Override
    public Optional<AgentOutputParser> parser(List<String> command, PriceTable prices) {
        String format = Argv.value(command, "--output-format");
        return "stream-json".equals(format) || "json".equals(format) ? Optional.of(new ClaudeStreamParser()) : Optional.empty();
    }

    /**
     * Adds {@code --session-id UUID} unless the command names its conversation itself
     * ({@code --session-id}, {@code --resume}, {@code --continue}); a restart gets a fresh id,
     * since Claude Code refuses an id that is already in use.
     */
    @Override
    public LaunchPlan prepare(List<String> command, boolean restart, IdSource ids) {
        String given = Argv.value(command, "--session-id");
        if (given != null) {
            if (!restart) {
                return new LaunchPlan(command, given);
            }
            String fresh = ids.next();
            return new LaunchPlan(Argv.replaceValue(command, "--session-id", fresh), fresh);
        }
        if (Argv.has(command, "-r", "--resume", "-c", "--continue", "--from-pr", "-v", "--version", "-h", "--help")
                || SUBCOMMANDS.contains(firstWord(command))) {
            return new LaunchPlan(command, null);
        }
        String id = ids.next();
        List<String> out = new ArrayList<>();
        out.add(command.get(0));
        out.add("--session-id");
        out.add(id);
        out.addAll(command.subList(1, command.size()));
        return new LaunchPlan(out, id);
    }

    /**
     * As {@link #prepare(List, boolean, IdSource)}, and an interactive command line on a terminal
     * also gets {@code --settings FILE} with the harness's hooks (the file the harness wrote, never
     * the user's own settings, which Claude Code keeps reading as well). Not when the command gives
     * {@code --settings} itself (Claude Code takes one), runs headless ({@code -p}), or runs a subcommand.
     */
    @Override
    public LaunchPlan prepare(List<String> command, boolean restart, IdSource ids, LaunchContext context) {
        LaunchPlan plan = prepare(command, restart, ids);
        List<String> c = plan.command();
        if (context.hookSettings() == null || !context.terminal()
                || Argv.has(c, "--settings", "-p", "--print", "-v", "--version", "-h", "--help")
                || SUBCOMMANDS.contains(firstWord(c))) {
            return plan;
        }
        List<String> out = new ArrayList<>();
        out.add(c.get(0));
        out.add("--settings");
        out.add(context.hookSettings().toString());
        out.addAll(c.subList(1, c.size()));
        return new LaunchPlan(out, plan.agentSessionId());
    }

    @Override
    public Optional<AgentHooks> hooks() {
        return Optional.of(HOOKS);
    }

    private static final ClaudeHooks HOOKS = new ClaudeHooks();

    /** {@code claude --resume ID} with the original options (not its prompt) and the new prompt. */
    @Override
    public Optional<List<String>> resumeCommand(List<String> original, String agentSessionId, String prompt) {
        if (agentSessionId == null || agentSessionId.isBlank()) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        out.add(original.get(0));
        out.add("--resume");
        out.add(agentSessionId);
        out.addAll(Argv.options(original, 1, WITH_VALUE, NOT_RESUMED));
        boolean headless = Argv.has(original, "-p", "--print");
        if (prompt != null) {
            out.add(prompt);
        } else if (headless) {
            out.add(continuePrompt());
        }
        return Optional.of(out);
    }
}
