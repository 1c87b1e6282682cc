package dev.agentharness.agents.profile;

import dev.agentharness.agents.AgentOutputParser;
import dev.agentharness.agents.AgentProfile;
import dev.agentharness.agents.PriceTable;
import dev.agentharness.agents.internal.Argv;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * OpenAI Codex ({@code codex}). Structured output: {@code codex exec --json}. Its thread id is chosen
 * by Codex (the {@code thread.started} line), and a conversation continues with
 * {@code codex exec resume ID PROMPT} ({@code codex resume ID} for the TUI). Codex reports tokens but
 * no cost: the {@link PriceTable} prices them, by the model named with {@code -m}/{@code --model}
 * or {@code -c model=...} (Codex does not print its model; without one the cost is unknown).
 */
public final class CodexProfile implements AgentProfile {
    public static final String NAME = "codex";

    static final Set<String> WITH_VALUE = Set.of("-c", "--config", "-m", "--model", "-s", "--sandbox", "-C", "--cd", "-p",
            "--profile", "-i", "--image", "--output-last-message", "-o", "--color", "--output-schema", "--enable",
            "--disable", "--add-dir", "-a", "--ask-for-approval", "--local-provider", "--remote", "--remote-auth-token-env");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean runs(String executable) {
        return executable.equals("codex");
    }

    @Override
    public Optional<AgentOutputParser> parser(List<String> command, PriceTable prices) {
        boolean json = Argv.has(command, "--json", "--experimental-json");
        return isExec(command) && json ? Optional.of(new CodexJsonParser(model(command), prices)) : Optional.empty();
    }

    @Override
    public Optional<List<String>> resumeCommand(List<String> original, String agentSessionId, String prompt) {
        if (agentSessionId == null || agentSessionId.isBlank()) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        out.add(original.get(0));
        boolean exec = isExec(original);
        if (exec) {
            out.add("exec");
        }
        out.addAll(Argv.options(original, 1, WITH_VALUE, Set.of()));
        out.add("resume");
        out.add(agentSessionId);
        if (prompt != null) {
            out.add(prompt);
        } else if (exec) {
            out.add(continuePrompt());
        }
        return Optional.of(out);
    }

    /** The model the command asks for, or null (Codex's default, which it does not print). */
    static String model(List<String> command) {
        String m = Argv.value(command, "-m", "--model");
        if (m != null) {
            return m;
        }
        for (int i = 1; i + 1 < command.size(); i++) {
            if ((command.get(i).equals("-c") || command.get(i).equals("--config")) && command.get(i + 1).startsWith("model=")) {
                return command.get(i + 1).substring("model=".length()).replace("\"", "").replace("'", "").strip();
            }
        }
        return null;
    }

    private static boolean isExec(List<String> command) {
        for (int i = 1; i < command.size(); i++) {
            String a = command.get(i);
            if (a.startsWith("-")) {
                if (WITH_VALUE.contains(a)) {
                    i++;
                }
                continue;
            }
            return a.equals("exec") || a.equals("e");
        }
        return false;
    }
}
