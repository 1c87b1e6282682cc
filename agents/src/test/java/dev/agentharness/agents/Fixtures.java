package dev.agentharness.agents;

import dev.agentharness.core.AgentUsage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reads the recorded and constructed agent outputs under {@code src/test/resources/fixtures}. */
public final class Fixtures {
    private Fixtures() {
    }

    public static String text(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> lines(String name) {
        return text(name).lines().toList();
    }

    /** Parses every line of a fixture, as the follower would; returns the state and counts skipped lines. */
    public static Parsed parse(AgentOutputParser parser, String agent, String name) {
        ParseState state = new ParseState(AgentUsage.start(agent, null));
        int skipped = 0;
        for (String line : lines(name)) {
            try {
                parser.parse(line, state);
            } catch (MalformedLineException e) {
                skipped++;
            }
        }
        return new Parsed(state, skipped);
    }

    public record Parsed(ParseState state, int skipped) {
        public AgentUsage usage() {
            return state.usage();
        }
    }
}
