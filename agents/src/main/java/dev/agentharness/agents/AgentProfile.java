package dev.agentharness.agents;

import java.util.List;
import java.util.Optional;

/**
 * What the harness knows about one agent CLI: how to recognise it, what its structured output
 * means, how to continue one of its conversations, and whether its session id can be chosen before
 * it starts. One small class per agent; adding an agent is one class (registered in
 * {@link AgentProfiles}) and its tests.
 *
 * <p>Profiles are pure functions of the command line: they never start, signal or read a process.
 */
public interface AgentProfile {

    /** The name {@code --agent} takes and the {@code agent} column holds. */
    String name();

    /** Whether a command whose executable's file name is {@code executable} runs this agent. */
    boolean runs(String executable);

    /**
     * A parser for what this command line prints on stdout, or empty when it prints no structured
     * output the harness understands (an interactive TUI, plain text). A new parser per session:
     * parsers may keep state between lines.
     */
    Optional<AgentOutputParser> parser(List<String> command, PriceTable prices);

    /**
     * The command line to launch, and the agent session id chosen for it up front where the agent
     * allows that ({@code claude --session-id UUID}). {@code restart}: the command ran before, so an
     * id the harness chose then is replaced (the agent would refuse to reuse it).
     */
    default LaunchPlan prepare(List<String> command, boolean restart, IdSource ids) {
        return new LaunchPlan(command, null);
    }

    /**
     * {@link #prepare(List, boolean, IdSource)} knowing where it will run: a profile whose agent has
     * hooks adds their settings ({@code context.hookSettings()}) to an interactive command line.
     */
    default LaunchPlan prepare(List<String> command, boolean restart, IdSource ids, LaunchContext context) {
        return prepare(command, restart, ids);
    }

    /** The agent's hooks, for agents that can call back into the harness while interactive. */
    default Optional<AgentHooks> hooks() {
        return Optional.empty();
    }

    /**
     * The command line that continues conversation {@code agentSessionId} of a session that ran
     * {@code original}, with {@code prompt} as the next message (null: none; headless commands get
     * {@link #continuePrompt()} since they cannot wait for one). Empty when this agent cannot resume,
     * or needs an id and has none.
     */
    default Optional<List<String>> resumeCommand(List<String> original, String agentSessionId, String prompt) {
        return Optional.empty();
    }

    /** Whether a session that ran {@code command} and learned {@code agentSessionId} can be resumed. */
    default boolean canResume(List<String> command, String agentSessionId) {
        return resumeCommand(command, agentSessionId, null).isPresent();
    }

    /**
     * {@code command} with {@code prompt} given the way this agent takes its first message: as the
     * last argument, which is what Claude Code, Codex and Gemini CLI take, unless a profile says
     * otherwise (aider: {@code --message}). A bare {@code harness start} in a project with a default
     * prompt builds its command with this.
     */
    default List<String> withPrompt(List<String> command, String prompt) {
        List<String> out = new java.util.ArrayList<>(command);
        out.add(prompt);
        return List.copyOf(out);
    }

    /** The message a headless resume sends when the user gave none. */
    default String continuePrompt() {
        return "Continue where you left off.";
    }

    /** Fresh agent session ids (UUIDs), a seam so that tests can predict them. */
    @FunctionalInterface
    interface IdSource {
        String next();
    }
}
