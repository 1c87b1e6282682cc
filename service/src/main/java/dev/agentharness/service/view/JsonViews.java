package dev.agentharness.service.view;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.agentharness.core.AgentCostTotals;
import dev.agentharness.core.DurationFormat;
import dev.agentharness.core.Project;
import dev.agentharness.core.ProjectSummary;
import dev.agentharness.supervisor.notify.SinkAddress;
import dev.agentharness.core.LegacyImportReport;
import dev.agentharness.core.PurgeResult;
import dev.agentharness.core.Run;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionEvent;
import dev.agentharness.core.SessionStats;
import dev.agentharness.core.SessionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of {@code --json} output and of the control protocol's answers. Field names are
 * camelCase, instants are ISO-8601 UTC strings, durations are both milliseconds and
 * {@link DurationFormat} text. Every field is always present (null when unknown), so scripts can
 * rely on the shape; environment values never appear, only their keys.
 */
public final class JsonViews {
    private JsonViews() {
    }

    /** A mapper for human-facing JSON: indented. */
    public static ObjectMapper prettyMapper() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    public record SessionView(
            String id,
            String name,
            Integer slot,
            String status,
            Integer pid,
            Integer exitCode,
            String reason,
            List<String> command,
            String cwd,
            List<String> envKeys,
            String runId,
            String restartOf,
            int restartCount,
            Integer requestedSlot,
            String maxRuntime,
            String stallTimeout,
            String restartPolicy,
            Integer maxRestarts,
            String createdAt,
            String startedAt,
            String endedAt,
            String lastActivityAt,
            String stalledSince,
            int escalationLevel,
            Long runtimeMs,
            long bytes,
            long chunks,
            Map<String, Object> metadata,
            String project,
            List<String> notifySinks,
            String agent,
            String agentSessionId,
            String model,
            Double costUsd,
            long inputTokens,
            long outputTokens,
            long cacheReadTokens,
            long cacheWriteTokens,
            Integer turns,
            String resultStatus,
            long toolCalls,
            String agentState,
            String agentStateDetail,
            String agentStateAt,
            String resumeOf,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<EventView> events) {

        public static SessionView of(Session s, Instant now) {
            return of(s, now, null);
        }

        public static SessionView of(Session s, Instant now, List<SessionEvent> events) {
            var spec = s.spec();
            Duration runtime = s.runtime(now);
            boolean restarts = spec.restartPolicy().mode() != dev.agentharness.core.RestartPolicy.Mode.NO;
            return new SessionView(s.id(), s.name(), s.slot(), s.status().wireName(), s.pid(), s.exitCode(), s.reason(),
                    spec.command(), spec.cwd(), new ArrayList<>(spec.env().keySet()), spec.runId(), spec.restartOf(),
                    spec.restartCount(), spec.requestedSlot(),
                    spec.maxRuntime() == null ? null : DurationFormat.format(spec.maxRuntime()),
                    spec.stallTimeout() == null ? null : DurationFormat.format(spec.stallTimeout()),
                    spec.restartPolicy().mode().wireName(), restarts ? spec.restartPolicy().maxRestarts() : null,
                    text(s.createdAt()), text(s.startedAt()), text(s.endedAt()), text(s.lastActivityAt()),
                    text(s.stalledSince()), s.escalationLevel(), runtime == null ? null : runtime.toMillis(),
                    s.outputBytes(), s.outputChunks(), spec.metadata(), spec.project(),
                    spec.notifySinks().stream().map(SinkAddress::mask).toList(),
                    s.agent().agent(), s.agent().agentSessionId(), s.agent().model(), s.agent().costUsd(),
                    s.agent().inputTokens(), s.agent().outputTokens(), s.agent().cacheReadTokens(), s.agent().cacheWriteTokens(),
                    s.agent().turns(), s.agent().resultStatus(), s.agent().toolCalls(),
                    s.activity() == null ? null : s.activity().state().wireName(),
                    s.activity() == null ? null : s.activity().detail(),
                    s.activity() == null ? null : text(s.activity().at()), spec.resumeOf(),
                    events == null ? null : events.stream().map(EventView::of).toList());
        }

        public SessionStatus statusValue() {
            return SessionStatus.fromWireName(status);
        }

        /** The name if it has one, otherwise the id. */
        public String label() {
            return name != null ? name : id;
        }
    }

    public record EventView(long seq, String timestamp, String type, Map<String, Object> data) {
        public static EventView of(SessionEvent e) {
            return new EventView(e.seq(), text(e.timestamp()), e.type().wireName(), e.data());
        }
    }

    public record RunView(String id, String description, String status, String startedAt, String completedAt,
                          int sessionCount, CostView cost) {
        public static RunView of(Run r, AgentCostTotals totals) {
            return new RunView(r.id(), r.description(), r.status().wireName(), text(r.startedAt()), text(r.completedAt()),
                    r.sessionCount(), CostView.of(totals == null ? AgentCostTotals.EMPTY : totals));
        }
    }

    /**
     * Cost and tokens over some sessions. {@code costUsd} is null when no session's cost is known;
     * {@code unpricedSessions} counts the sessions that used tokens at an unknown price (when above
     * 0, {@code costUsd} is a lower bound).
     */
    public record CostView(Double costUsd, long pricedSessions, long unpricedSessions, long inputTokens, long outputTokens,
                           long cacheReadTokens, long cacheWriteTokens, long totalTokens) {
        public static CostView of(AgentCostTotals t) {
            return new CostView(t.costUsd(), t.pricedSessions(), t.unpricedSessions(), t.inputTokens(), t.outputTokens(),
                    t.cacheReadTokens(), t.cacheWriteTokens(), t.totalTokens());
        }
    }

    /** A start request waiting for a slot ({@code harness queue}); environment keys only, never values. */
    public record QueuedView(long id, int position, String enqueuedAt, String name, List<String> command, String cwd,
                             Integer slot, String runId, List<String> envKeys) {
        public static QueuedView of(dev.agentharness.core.QueuedStart q, int position) {
            var s = q.spec();
            return new QueuedView(q.id(), position, q.enqueuedAt().toString(), s.name(), s.command(), s.cwd(),
                    s.requestedSlot(), s.runId(), List.copyOf(s.env().keySet()));
        }
    }

    /** {@code successRate} is null while no session has finished: 0 would claim that every one failed. */
    public record StatsView(long total, Map<String, Long> byStatus, Double successRate, long averageDurationMs,
                            String averageDuration, long bytesCaptured, long chunksCaptured, CostView cost) {
        public static StatsView of(SessionStats s, AgentCostTotals totals) {
            Map<String, Long> byStatus = new LinkedHashMap<>();
            s.byStatus().forEach((status, n) -> byStatus.put(status.wireName(), n));
            Duration avg = s.averageDuration() == null ? Duration.ZERO : s.averageDuration();
            long finished = s.byStatus().entrySet().stream().filter(e -> e.getKey().isTerminal())
                    .mapToLong(Map.Entry::getValue).sum();
            return new StatsView(s.total(), byStatus, finished == 0 ? null : s.successRate(), avg.toMillis(), Human.duration(avg),
                    s.bytesCaptured(), s.chunksCaptured(), CostView.of(totals == null ? AgentCostTotals.EMPTY : totals));
        }
    }

    /**
     * A row of {@code harness projects --json}. {@code byStatus} always has the four terminal counts
     * the seed's dashboard shows (completed, failed, crashed, stopped), zeros included, plus any
     * other status that has sessions; {@code costUsd} is null while sessions record no costs.
     */
    public record ProjectView(String dir, List<String> command, String prompt, String agent, boolean tty,
                              String createdAt, String updatedAt, String lastRunAt, LastSessionView lastSession,
                              long sessions, Map<String, Long> byStatus, Double costUsd) {
        public static ProjectView of(ProjectSummary p) {
            Map<String, Long> byStatus = new LinkedHashMap<>();
            for (SessionStatus s : List.of(SessionStatus.COMPLETED, SessionStatus.FAILED, SessionStatus.CRASHED, SessionStatus.STOPPED)) {
                byStatus.put(s.wireName(), p.count(s));
            }
            p.byStatus().forEach((status, n) -> byStatus.putIfAbsent(status.wireName(), n));
            Project d = p.project();
            Session last = p.lastSession();
            return new ProjectView(d.dir(), d.command(), d.prompt(), d.agent(), d.tty(), text(d.createdAt()),
                    text(d.updatedAt()), text(d.lastRunAt()), last == null ? null : LastSessionView.of(last), p.total(),
                    byStatus, p.costUsd());
        }
    }

    public record LastSessionView(String id, String name, String status, Integer exitCode, String createdAt, String endedAt) {
        static LastSessionView of(Session s) {
            return new LastSessionView(s.id(), s.name(), s.status().wireName(), s.exitCode(), text(s.createdAt()),
                    text(s.endedAt()));
        }
    }

    public record PurgeView(boolean dryRun, int count, List<String> sessionIds, long bytes, long chunks, long events) {
        public static PurgeView of(PurgeResult r) {
            return new PurgeView(r.dryRun(), r.sessionIds().size(), r.sessionIds(), r.bytes(), r.chunks(), r.events());
        }
    }

    public record ImportView(int importedCount, int alreadyPresentCount, int skippedCount, List<String> imported,
                             List<String> alreadyPresent, List<String> skipped) {
        public static ImportView of(LegacyImportReport r) {
            return new ImportView(r.imported().size(), r.alreadyPresent().size(), r.skipped().size(), r.imported(),
                    r.alreadyPresent(), r.skipped());
        }
    }

    /** One session that reconciliation ended; see {@code ReconcileReport}. */
    public record ReconcileItemView(String sessionId, String label, String previousStatus, String finding, String reason) {
    }

    public record ReconcileView(int count, List<ReconcileItemView> items) {
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
