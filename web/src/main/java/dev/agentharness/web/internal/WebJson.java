package dev.agentharness.web.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentharness.core.AgentCostTotals;
import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStats;
import dev.agentharness.service.OutputPage;
import dev.agentharness.service.ScreenSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON the dashboard reads: camelCase fields, ISO-8601 UTC instants, every field present (null
 * when unknown), output bytes in base64 (an agent's output need not be UTF-8, and a chunk may end
 * inside a character). Environment values never appear, only their keys, as in every other view.
 */
public final class WebJson {
    private WebJson() {
    }

    public static ObjectMapper mapper() {
        return new ObjectMapper();
    }

    public record SessionView(String id, String name, Integer slot, String status, boolean active, boolean tty,
                              Integer cols, Integer rows, boolean interactive, List<String> command, String cwd,
                              List<String> envKeys, Integer pid, Integer exitCode, String reason, String agent, String model,
                              Double costUsd, long inputTokens, long outputTokens, long totalTokens, Integer turns,
                              String createdAt, String startedAt, String endedAt, String lastActivityAt, Long runtimeMs,
                              long bytes, long chunks, String restartOf, String resumeOf) {
        public static SessionView of(Session s, Instant now) {
            var spec = s.spec();
            Duration runtime = s.runtime(now);
            return new SessionView(s.id(), s.name(), s.slot(), s.status().wireName(), s.isActive(), spec.tty(),
                    spec.tty() ? spec.terminal().cols() : null, spec.tty() ? spec.terminal().rows() : null,
                    spec.tty() || spec.interactive(), spec.command(), spec.cwd(), new ArrayList<>(spec.env().keySet()), s.pid(),
                    s.exitCode(), s.reason(), s.agent().agent(), s.agent().model(), s.agent().costUsd(),
                    s.agent().inputTokens(), s.agent().outputTokens(), s.agent().totalTokens(), s.agent().turns(),
                    text(s.createdAt()), text(s.startedAt()), text(s.endedAt()), text(s.lastActivityAt()),
                    runtime == null ? null : runtime.toMillis(), s.outputBytes(), s.outputChunks(), spec.restartOf(),
                    spec.resumeOf());
        }
    }

    /** One chunk of output; {@code data} is base64. {@code type} is there for the WebSocket, where messages of several kinds arrive. */
    public record ChunkView(String type, String session, long seq, String stream, String ts, String data) {
        public static ChunkView of(OutputChunk c) {
            return new ChunkView("output", c.sessionId(), c.seq(), c.stream().name().toLowerCase(java.util.Locale.ROOT),
                    c.timestamp().toString(), Base64.getEncoder().encodeToString(c.data()));
        }
    }

    public record OutputView(List<ChunkView> chunks, long nextAfter, boolean truncated) {
        public static OutputView of(OutputPage page) {
            return new OutputView(page.chunks().stream().map(ChunkView::of).toList(), page.nextAfter(), page.truncated());
        }
    }

    public record ScreenView(int cols, int rows, List<String> lines, int cursorRow, int cursorCol, String checkpoint,
                             List<String> choices, long lastSeq) {
        public static ScreenView of(ScreenSnapshot s) {
            var screen = s.screen();
            var prompt = s.prompt();
            return new ScreenView(screen.cols(), screen.rows(), screen.lines(), screen.cursorRow(), screen.cursorCol(),
                    prompt == null ? null : prompt.question(), prompt == null ? List.of() : prompt.options(), s.lastSeq());
        }
    }

    public record CostView(Double costUsd, long pricedSessions, long unpricedSessions, long totalTokens) {
        public static CostView of(AgentCostTotals t) {
            AgentCostTotals v = t == null ? AgentCostTotals.EMPTY : t;
            return new CostView(v.costUsd(), v.pricedSessions(), v.unpricedSessions(), v.totalTokens());
        }
    }

    public record StatsView(long total, Map<String, Long> byStatus, long bytesCaptured, CostView cost) {
        public static StatsView of(SessionStats s, AgentCostTotals totals) {
            Map<String, Long> byStatus = new LinkedHashMap<>();
            s.byStatus().forEach((status, n) -> byStatus.put(status.wireName(), n));
            return new StatsView(s.total(), byStatus, s.bytesCaptured(), CostView.of(totals));
        }
    }

    /** A session's row changed (pushed over the WebSocket). */
    public record SessionMessage(String type, SessionView session) {
        public static SessionMessage of(Session s, Instant now) {
            return new SessionMessage("session", SessionView.of(s, now));
        }
    }

    public record ErrorBody(ErrorView error) {
        public static ErrorBody of(String code, String message) {
            return new ErrorBody(new ErrorView(code, message));
        }
    }

    public record ErrorView(String code, String message) {
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
