package dev.agentharness.agents.profile;

import dev.agentharness.agents.AgentOutputParser;
import dev.agentharness.agents.AgentProfile;
import dev.agentharness.agents.LaunchPlan;
import dev.agentharness.agents.PriceTable;
import dev.agentharness.agents.internal.Argv;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Google's Gemini CLI ({@code gemini}). Structured output: {@code -o}/{@code --output-format
 * stream-json}. Its session id can be chosen up front ({@code --session-id UUID}), and
 * {@code --resume ID} continues a conversation (Gemini CLI looks the id up among the project's
 * sessions, so the resume must run in the same cwd, which it does). Gemini reports tokens per model
 * but no cost: the {@link PriceTable} prices them.
 */
public final class GeminiProfile implements AgentProfile {
    public static final String NAME = "gemini";

    static final Set<String> WITH_VALUE = Set.of("-m", "--model", "-p", "--prompt", "-i", "--prompt-interactive", "-o",
            "--output-format", "--approval-mode", "--allowed-tools", "--allowed-mcp-server-names", "-e", "--extensions",
            "--include-directories", "-r", "--resume", "--session-id", "--session-file", "--delete-session", "--policy",
            "--telemetry-target", "--telemetry-otlp-endpoint", "--telemetry-outfile", "--proxy");
    private static final Set<String> NOT_RESUMED = Set.of("-p", "--prompt", "-i", "--prompt-interactive", "-r", "--resume",
            "--session-id", "--session-file");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean runs(String executable) {
        return executable.equals("gemini");
    }

    @Override
    public Optional<AgentOutputParser> parser(List<String> command, PriceTable prices) {
        return "stream-json".equals(Argv.value(command, "-o", "--output-format"))
                ? Optional.of(new GeminiStreamParser(prices)) : Optional.empty();
    }

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
        if (Argv.has(command, "-r", "--resume", "--session-file", "--list-sessions", "--delete-session")) {
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
        boolean headless = Argv.has(original, "-p", "--prompt") || Argv.value(original, "-o", "--output-format") != null;
        if (headless) {
            out.add("-p");
            out.add(prompt != null ? prompt : continuePrompt());
        } else if (prompt != null) {
            out.add("-i");
            out.add(prompt);
        }
        return Optional.of(out);
    }
}
