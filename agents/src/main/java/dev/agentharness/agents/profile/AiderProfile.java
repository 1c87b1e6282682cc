package dev.agentharness.agents.profile;

import dev.agentharness.agents.AgentOutputParser;
import dev.agentharness.agents.AgentProfile;
import dev.agentharness.agents.PriceTable;
import dev.agentharness.agents.internal.Argv;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * aider ({@code aider}). No structured output. Its conversation lives in the working directory
 * ({@code .aider.chat.history.md}), so it needs no id to resume: the same command with
 * {@code --restore-chat-history} in the same cwd, and the prompt as {@code --message}.
 */
public final class AiderProfile implements AgentProfile {
    public static final String NAME = "aider";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> withPrompt(List<String> command, String prompt) {
        // A bare argument would be a file for aider to edit; its first message is --message.
        List<String> out = new ArrayList<>(command);
        out.add("--message");
        out.add(prompt);
        return List.copyOf(out);
    }

    @Override
    public boolean runs(String executable) {
        return executable.equals("aider");
    }

    @Override
    public Optional<AgentOutputParser> parser(List<String> command, PriceTable prices) {
        return Optional.empty();
    }

    @Override
    public Optional<List<String>> resumeCommand(List<String> original, String agentSessionId, String prompt) {
        List<String> out = new ArrayList<>();
        // The same options, without a one-shot message: the new prompt, if any, replaces it.
        for (int i = 0; i < original.size(); i++) {
            String a = original.get(i);
            if (a.equals("-m") || a.equals("--message") || a.equals("--msg") || a.equals("--message-file") || a.equals("-f")) {
                i++;
                continue;
            }
            if (a.startsWith("--message=") || a.startsWith("--msg=") || a.startsWith("--message-file=")) {
                continue;
            }
            out.add(a);
        }
        if (!Argv.has(out, "--restore-chat-history")) {
            out.add("--restore-chat-history");
        }
        if (prompt != null) {
            out.add("--message");
            out.add(prompt);
        }
        return Optional.of(out);
    }
}
