package dev.agentharness.core;

import java.util.List;

/**
 * What a legacy {@code sessions.json} import did.
 *
 * @param imported       ids of sessions added
 * @param alreadyPresent entries skipped because an earlier import added them
 * @param skipped        one line per malformed entry: its index or id, and what is wrong with it
 */
public record LegacyImportReport(List<String> imported, List<String> alreadyPresent, List<String> skipped) {
    public LegacyImportReport {
        imported = List.copyOf(imported);
        alreadyPresent = List.copyOf(alreadyPresent);
        skipped = List.copyOf(skipped);
    }
}
