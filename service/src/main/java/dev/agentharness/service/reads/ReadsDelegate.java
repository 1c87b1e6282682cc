package dev.agentharness.service.reads;

import dev.agentharness.core.AgentCostTotals;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionEvent;
import dev.agentharness.core.SessionQuery;
import dev.agentharness.core.SessionStats;
import dev.agentharness.service.OutputPage;
import dev.agentharness.service.OutputQuery;
import dev.agentharness.service.ScreenSnapshot;
import dev.agentharness.service.SessionReads;
import java.util.List;

/**
 * The reads of a service that serves them from the store wherever it runs: every implementation
 * of the service (in the daemon, in a client process) answers reads the same way, so they share
 * this instead of each forwarding them one by one.
 */
public abstract class ReadsDelegate implements SessionReads {
    protected final SessionReads reads;

    protected ReadsDelegate(SessionReads reads) {
        this.reads = reads;
    }

    @Override
    public List<Session> sessions(SessionQuery query) {
        return reads.sessions(query);
    }

    @Override
    public Session session(String session) {
        return reads.session(session);
    }

    @Override
    public OutputPage output(String session, OutputQuery query) {
        return reads.output(session, query);
    }

    @Override
    public ScreenSnapshot screen(String session) {
        return reads.screen(session);
    }

    @Override
    public List<SessionEvent> events(String session, long afterSeq, int limit) {
        return reads.events(session, afterSeq, limit);
    }

    @Override
    public SessionStats stats(String project) {
        return reads.stats(project);
    }

    @Override
    public AgentCostTotals costTotals(SessionQuery query) {
        return reads.costTotals(query);
    }
}
