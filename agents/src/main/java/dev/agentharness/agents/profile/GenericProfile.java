package dev.agentharness.agents.profile;

import dev.agentharness.agents.AgentOutputParser;
import dev.agentharness.agents.AgentProfile;
import dev.agentharness.agents.PriceTable;
import java.util.List;
import java.util.Optional;

/** Any other command: output is captured as it is, with no meaning attached, and nothing to resume. */
public final class GenericProfile implements AgentProfile {
    public static final String NAME = "generic";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean runs(String executable) {
        return false;
    }

    @Override
    public Optional<AgentOutputParser> parser(List<String> command, PriceTable prices) {
        return Optional.empty();
    }
}
