package dev.agentharness.daemon;

import dev.agentharness.service.view.JsonViews.ReconcileItemView;
import dev.agentharness.service.view.JsonViews.ReconcileView;
import dev.agentharness.supervisor.ReconcileReport;
import java.util.Locale;

/** Reconcile reports as the CLI shows and sends them. */
public final class Reports {
    private Reports() {
    }

    /** What a reconcile finding did to the session: crashed, or, for keeper findings, what became of it. */
    public static String outcome(String finding) {
        return switch (finding) {
            case "reattached" -> "running";
            case "ended_while_detached" -> "ended";
            case "keeper_unsupported" -> "left alone";
            default -> "crashed";
        };
    }

    public static ReconcileView view(ReconcileReport report) {
        var items = java.util.stream.Stream.concat(report.items().stream(), report.reattached().stream())
                .map(i -> new ReconcileItemView(i.sessionId(), i.label(), i.previousStatus(),
                        i.finding().name().toLowerCase(Locale.ROOT), i.reason()))
                .toList();
        return new ReconcileView(items.size(), items);
    }
}
