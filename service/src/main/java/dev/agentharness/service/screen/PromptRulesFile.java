package dev.agentharness.service.screen;

import dev.agentharness.core.error.UsageException;
import dev.agentharness.terminal.PromptRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The home's {@code prompts.conf}, or the defaults when there is none. */
public final class PromptRulesFile {
    private PromptRulesFile() {
    }

    public static PromptRules load(Path homeDir) {
        Path file = homeDir.resolve(PromptRules.FILE_NAME);
        try {
            return PromptRules.parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
        } catch (NoSuchFileException e) {
            return PromptRules.defaults();
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
