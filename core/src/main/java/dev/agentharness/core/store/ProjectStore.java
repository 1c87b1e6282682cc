package dev.agentharness.core.store;

import dev.agentharness.core.Project;
import dev.agentharness.core.ProjectDefaults;
import dev.agentharness.core.ProjectSummary;
import java.util.List;
import java.util.Optional;

/**
 * Projects: every directory a session ran in appears here by itself (the database adds it when the
 * session is created), and {@link #setDefaults} configures what a bare start there runs.
 */
public interface ProjectStore {
    Optional<Project> get(String dir);

    /** Stores the defaults of {@code dir}, creating the project if it is new. */
    Project setDefaults(String dir, ProjectDefaults defaults);

    /** Every project, the most recently run first, with its last session and counts. */
    List<ProjectSummary> summaries();
}
