package dev.agentharness.service.lookup;

import dev.agentharness.core.error.UsageException;
import dev.agentharness.core.Run;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.core.store.RunStore;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Finds a run by its full id or a unique, case-insensitive id prefix. */
public final class RunResolver {
    /** Runs are few; a prefix is matched against this many of the most recent. */
    private static final int SEARCHED = 10_000;

    private final RunStore runs;

    public RunResolver(RunStore runs) {
        this.runs = runs;
    }

    public Run resolve(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new UsageException("a run id or id prefix is required");
        }
        String ref = reference.strip();
        var exact = runs.getRun(ref);
        if (exact.isPresent()) {
            return exact.get();
        }
        String upper = ref.toUpperCase(Locale.ROOT);
        List<Run> matches = runs.listRuns(SEARCHED).stream()
                .filter(r -> r.id().toUpperCase(Locale.ROOT).startsWith(upper))
                .collect(Collectors.toList());
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.isEmpty()) {
            throw new UsageException("no such run: " + ref + " (harness runs lists them)");
        }
        throw new UsageException("run id prefix '" + ref + "' is ambiguous: it matches "
                + matches.stream().map(Run::id).limit(5).collect(Collectors.joining(", ")) + "; give more characters");
    }

    /** The active run. */
    public Run active() {
        return runs.getActiveRun().orElseThrow(() -> new HarnessException("there is no active run (harness runs new starts one)"));
    }
}
