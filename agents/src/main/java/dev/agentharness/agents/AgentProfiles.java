package dev.agentharness.agents;

import dev.agentharness.agents.internal.Argv;
import dev.agentharness.agents.profile.AiderProfile;
import dev.agentharness.agents.profile.ClaudeProfile;
import dev.agentharness.agents.profile.CodexProfile;
import dev.agentharness.agents.profile.GeminiProfile;
import dev.agentharness.agents.profile.GenericProfile;
import dev.agentharness.core.error.HarnessException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Every profile the harness knows, by name and by executable. */
public final class AgentProfiles {
    private final List<AgentProfile> profiles;
    private final AgentProfile generic = new GenericProfile();

    public AgentProfiles() {
        this(List.of(new ClaudeProfile(), new CodexProfile(), new GeminiProfile(), new AiderProfile()));
    }

    public AgentProfiles(List<AgentProfile> profiles) {
        this.profiles = List.copyOf(profiles);
    }

    /** The names {@code --agent} takes, {@code generic} last. */
    public List<String> names() {
        return java.util.stream.Stream.concat(profiles.stream().map(AgentProfile::name), java.util.stream.Stream.of(generic.name()))
                .toList();
    }

    public Optional<AgentProfile> byName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        if (name.equals(generic.name())) {
            return Optional.of(generic);
        }
        return profiles.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /**
     * The profile called {@code name}.
     *
     * @throws HarnessException listing the known names when there is none
     */
    public AgentProfile require(String name) {
        return byName(name).orElseThrow(() -> new HarnessException("unknown agent '" + name + "' (known: "
                + names().stream().collect(Collectors.joining(", ")) + ")"));
    }

    /** The profile whose executable {@code command} runs; {@code generic} when none does. */
    public AgentProfile forCommand(List<String> command) {
        String exe = Argv.executable(command);
        return profiles.stream().filter(p -> p.runs(exe)).findFirst().orElse(generic);
    }

    /** {@code name} when given, else the command's. */
    public AgentProfile resolve(String name, List<String> command) {
        return name != null ? require(name) : forCommand(command);
    }

    /**
     * Why a session that ran {@code command} under profile {@code agent} (null: decided by the
     * command) with agent session id {@code agentSessionId} cannot be resumed, or empty when it can.
     */
    public Optional<String> resumeRefusal(String agent, List<String> command, String agentSessionId) {
        AgentProfile profile = resolve(agent, command);
        if (profile.canResume(command, agentSessionId)) {
            return Optional.empty();
        }
        return Optional.of(profile.name().equals(generic.name())
                ? "its command is not a known agent (start it with --agent claude|codex|gemini|aider)"
                : "its " + profile.name() + " session id is not known (the agent never printed it)");
    }
}
