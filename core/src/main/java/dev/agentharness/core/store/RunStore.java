package dev.agentharness.core.store;

import dev.agentharness.core.Run;
import java.util.List;
import java.util.Optional;

/** Runs: groups of sessions (seed 000). At most one run is active. */
public interface RunStore {
    /** Starts a new active run; a run that was active before is completed first. */
    Run createRun(String description);

    Optional<Run> getRun(String id);

    Optional<Run> getActiveRun();

    /** Most recent first. */
    List<Run> listRuns(int limit);

    void incrementSessionCount(String runId);

    /**
     * @throws dev.agentharness.core.error.HarnessException when there is no such run
     */
    Run completeRun(String runId);
}
