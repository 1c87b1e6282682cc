package dev.agentharness.supervisor.internal.lifecycle;

import dev.agentharness.agents.AgentProfile;
import dev.agentharness.agents.AgentProfiles;
import dev.agentharness.agents.LaunchContext;
import dev.agentharness.agents.LaunchPlan;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.error.HarnessException;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * Applies agent profiles to what is about to run: decides the profile (the spec's, else the
 * executable's), lets it choose the agent's session id up front where it can, gives an interactive
 * agent on a terminal the harness's hooks ({@link AgentHookSetup}), and builds the command line that
 * continues a finished session's conversation.
 */
public final class AgentLaunches {
    private final AgentProfiles profiles;
    private final AgentHookSetup hooks;

    @Inject
    public AgentLaunches(AgentProfiles profiles, AgentHookSetup hooks) {
        this.profiles = profiles;
        this.hooks = hooks;
    }

    /**
     * The spec with its profile decided and, where the agent allows, its session id chosen.
     * {@code restart}: the spec ran before, so an id chosen then is replaced.
     *
     * @throws HarnessException for an unknown profile name
     */
    public SessionSpec prepare(SessionSpec spec, boolean restart) {
        AgentProfile profile = profiles.resolve(spec.agent(), spec.command());
        // Hooks report what an interactive agent does; only a terminal runs one, so only then is the file needed.
        Path settings = spec.tty() && profile.hooks().isPresent() ? hooks.settingsFor(profile) : null;
        LaunchPlan plan = profile.prepare(spec.command(), restart, () -> UUID.randomUUID().toString(),
                new LaunchContext(spec.tty(), settings));
        return spec.withCommand(plan.command()).toBuilder().agent(profile.name()).agentSessionId(plan.agentSessionId()).build();
    }

    /** The profile a stored session ran under (sessions older than profiles: by their command). */
    public AgentProfile profileOf(Session s) {
        return profiles.resolve(s.agent().agent(), s.command());
    }

    /** Whether the session's conversation can be continued. */
    public boolean canResume(Session s) {
        return profileOf(s).canResume(s.command(), s.agent().agentSessionId());
    }

    /**
     * The command line that continues {@code previous}'s conversation with {@code prompt}.
     *
     * @throws HarnessException saying why it cannot be resumed
     */
    public List<String> resumeCommand(Session previous, String prompt) {
        AgentProfile profile = profileOf(previous);
        return profile.resumeCommand(previous.command(), previous.agent().agentSessionId(), prompt)
                .orElseThrow(() -> new HarnessException("cannot resume session " + previous.label() + ": "
                        + profiles.resumeRefusal(previous.agent().agent(), previous.command(), previous.agent().agentSessionId())
                                .orElse("its agent cannot resume")));
    }
}
