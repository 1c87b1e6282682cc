package dev.agentharness.supervisor.internal.recovery;

import static dev.agentharness.supervisor.internal.lifecycle.StatusRecorder.event;

import dev.agentharness.core.EventType;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.core.store.SessionStore;
import dev.agentharness.supervisor.ReconcileReport;
import dev.agentharness.supervisor.ReconcileReport.Finding;
import dev.agentharness.supervisor.internal.lifecycle.KeeperAttacher;
import dev.agentharness.supervisor.internal.lifecycle.StatusRecorder;
import dev.agentharness.supervisor.internal.process.HarnessEnvironment;
import dev.agentharness.supervisor.internal.process.ProcInspector;
import dev.agentharness.supervisor.internal.process.ProcStat;
import dev.agentharness.supervisor.internal.process.ProcessGroupSignaller;
import dev.agentharness.supervisor.internal.process.ProcessIdentity;
import dev.agentharness.supervisor.internal.process.Signal;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Squares the session rows with reality after a harness died without ending its agents. Every active
 * row that no live supervisor owns ends {@code crashed}, and its slot is free again:
 *
 * <ul>
 *   <li>no pid recorded: the harness died while spawning. If a process carrying the session's id
 *       ({@code HARNESS_SESSION_ID}) exists, the spawn got that far: its group is terminated
 *       ({@link Finding#ORPHAN_TERMINATED}); otherwise {@link Finding#NEVER_STARTED};</li>
 *   <li>the process is gone ({@link Finding#PROCESS_GONE}); leftovers of its group, if any, are
 *       terminated;</li>
 *   <li>the process is alive and really the agent, pid AND start time match: its output pipes died
 *       with the old harness, so nobody could ever read it again; its group is terminated, TERM then
 *       KILL after a short grace ({@link Finding#ORPHAN_TERMINATED});</li>
 *   <li>the pid is alive but the start time differs, or none was recorded: the pid was recycled by
 *       some unrelated process, which is NEVER signalled ({@link Finding#PID_RECYCLED}).</li>
 * </ul>
 */
@Singleton
public final class CrashReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(CrashReconciler.class);
    /** Between TERM and KILL for orphans: short, the daemon is starting up. */
    static final Duration ORPHAN_GRACE = Duration.ofSeconds(2);
    private static final Duration KILL_WAIT = Duration.ofSeconds(2);
    private static final long POLL_MS = 25;
    /** How long a spawned agent found without a recorded pid may take to become its own group leader. */
    private static final Duration SETSID_WAIT = Duration.ofSeconds(1);

    private final SessionStore sessions;
    private final StatusRecorder recorder;
    private final ProcInspector proc;
    private final ProcessGroupSignaller signaller;
    private final KeeperAttacher keepers;

    @Inject
    public CrashReconciler(SessionStore sessions, StatusRecorder recorder, ProcInspector proc, ProcessGroupSignaller signaller,
                           KeeperAttacher keepers) {
        this.keepers = keepers;
        this.sessions = sessions;
        this.recorder = recorder;
        this.proc = proc;
        this.signaller = signaller;
    }

    /**
     * @param owned the ids a live supervisor runs; read after the rows, so that a session being
     *              started concurrently is either not among the rows or among the owned
     */
    public ReconcileReport reconcile(Supplier<Set<String>> owned) {
        List<Session> rows = sessions.listActive();
        Set<String> ours = owned.get();
        List<Plan> plans = new ArrayList<>();
        List<ReconcileReport.Item> reattached = new ArrayList<>();
        for (Session row : rows) {
            if (!ours.contains(row.id())) {
                // A session whose keeper outlived the harness is taken over, not crashed.
                Optional<ReconcileReport.Item> taken;
                try {
                    taken = keepers.reattach(row);
                } catch (RuntimeException e) {
                    LOG.warn("session {}: reattaching failed: {}", row.label(), e.getMessage());
                    taken = Optional.empty();
                }
                if (taken.isPresent()) {
                    reattached.add(taken.get());
                } else {
                    plans.add(plan(row));
                }
            }
        }
        terminate(plans);
        List<ReconcileReport.Item> items = new ArrayList<>();
        for (Plan p : plans) {
            try {
                recorder.change(p.row.id(), SessionStatus.CRASHED, p.reason(), b -> b,
                        event(EventType.CRASHED, "finding", p.finding.name().toLowerCase(java.util.Locale.ROOT), "pid",
                                p.row.pid(), "previousStatus", p.row.status().wireName()));
                items.add(new ReconcileReport.Item(p.row.id(), p.row.label(), p.row.status().wireName(), p.finding, p.reason()));
                keepers.forget(p.row.id());
                LOG.info("session {} was {}: crashed ({})", p.row.label(), p.row.status().wireName(), p.reason());
            } catch (HarnessException e) {
                LOG.warn("session {} changed while being reconciled: {}", p.row.label(), e.getMessage());
            }
        }
        return new ReconcileReport(items, reattached);
    }

    private Plan plan(Session row) {
        if (row.pid() == null) {
            // The harness may have died after spawning but before recording the pid: find the agent by its session id.
            Carriers spawned = groupsCarrying(row.id());
            if (spawned.leaderAlive()) {
                return new Plan(row, Finding.ORPHAN_TERMINATED, spawned.groups(),
                        "orphaned by a harness crash before its pid was recorded");
            }
            if (!spawned.groups().isEmpty()) {
                return new Plan(row, Finding.PROCESS_GONE, spawned.groups(),
                        "process gone after a harness crash before its pid was recorded; leftovers of its group were terminated");
            }
            return new Plan(row, Finding.NEVER_STARTED, List.of(), "the harness stopped before the agent was spawned");
        }
        int pid = row.pid();
        Optional<ProcStat> stat = proc.stat(pid);
        Long recorded = row.pidStartTime();
        if (stat.isEmpty() || stat.get().hasExited()) {
            if (recorded != null && pid > 1 && !proc.liveGroupMembers(pid, pid, recorded).isEmpty()) {
                return new Plan(row, Finding.PROCESS_GONE, List.of(new ProcessIdentity(pid, recorded)),
                        "process gone after a harness crash; leftovers of its group were terminated");
            }
            return new Plan(row, Finding.PROCESS_GONE, List.of(), "process gone: it ended while no harness was watching it");
        }
        if (recorded == null) {
            return new Plan(row, Finding.PID_RECYCLED, List.of(),
                    "pid " + pid + " is alive but cannot be verified (no start time recorded); left it alone");
        }
        if (stat.get().startTime() != recorded) {
            return new Plan(row, Finding.PID_RECYCLED, List.of(), "pid " + pid + " now belongs to another process; left it alone");
        }
        return new Plan(row, Finding.ORPHAN_TERMINATED, List.of(new ProcessIdentity(pid, recorded)), "orphaned by a harness crash");
    }

    /**
     * The process groups of the processes that carry the session's id in their environment (the
     * agent, once it has run setsid, and anything it started): a group the agent leads, or one whose
     * leader is gone and whose every live member carries the id. A process still in some other group
     * (the dead harness's, which may hold unrelated processes) is given a moment to become its own
     * leader; if it never does, that group is left alone.
     */
    private Carriers groupsCarrying(String sessionId) {
        long deadline = System.nanoTime() + SETSID_WAIT.toNanos();
        int ownGroup = proc.stat((int) ProcessHandle.current().pid()).map(ProcStat::pgrp).orElse(-1);
        while (true) {
            List<ProcStat> carriers = proc.withEnvironment(HarnessEnvironment.SESSION_ID, sessionId);
            Map<Integer, ProcStat> byPid = new LinkedHashMap<>();
            carriers.forEach(c -> byPid.put(c.pid(), c));
            Map<Integer, ProcessIdentity> groups = new LinkedHashMap<>();
            boolean leaderAlive = false;
            boolean pending = false;
            for (ProcStat c : carriers) {
                int pgid = c.pgrp();
                if (groups.containsKey(pgid)) {
                    continue;
                }
                ProcStat leader = byPid.get(pgid);
                if (pgid <= 1 || pgid == ownGroup) {
                    pending = true;
                } else if (leader != null) {
                    groups.put(pgid, new ProcessIdentity(pgid, leader.startTime()));
                    leaderAlive = true;
                } else if (proc.stat(pgid).filter(s -> !s.hasExited()).isEmpty()) {
                    List<ProcStat> members = proc.liveGroupMembers(pgid, -1, 0);
                    if (members.stream().allMatch(m -> byPid.containsKey(m.pid()))) {
                        long earliest = members.stream().mapToLong(ProcStat::startTime).min().orElse(c.startTime());
                        groups.put(pgid, new ProcessIdentity(pgid, earliest));
                    } else {
                        pending = true;
                    }
                } else {
                    pending = true;
                }
            }
            if (!pending || System.nanoTime() > deadline) {
                if (pending) {
                    LOG.warn("session {}: a process carrying its id is in a process group not its own; left that group alone",
                            sessionId);
                }
                return new Carriers(new ArrayList<>(groups.values()), leaderAlive);
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Carriers(new ArrayList<>(groups.values()), leaderAlive);
            }
        }
    }

    /** @param leaderAlive whether a group's leader (the agent itself) still runs */
    private record Carriers(List<ProcessIdentity> groups, boolean leaderAlive) {
    }

    /** TERM every group to terminate, wait for them together, then KILL what is left. */
    private void terminate(List<Plan> plans) {
        List<ProcessIdentity> groups = new ArrayList<>();
        for (Plan p : plans) {
            for (ProcessIdentity g : p.groups) {
                if (g.pid() > 1) {
                    groups.add(g);
                }
            }
        }
        if (groups.isEmpty()) {
            return;
        }
        for (ProcessIdentity g : groups) {
            signaller.signalGroup(g.pid(), Signal.TERM);
            signaller.signalGroup(g.pid(), Signal.CONT);
        }
        if (awaitGone(groups, ORPHAN_GRACE)) {
            return;
        }
        for (ProcessIdentity g : groups) {
            if (!isGone(g)) {
                LOG.info("process group {} ignored SIGTERM; sending SIGKILL", g.pid());
                signaller.signalGroup(g.pid(), Signal.KILL);
            }
        }
        awaitGone(groups, KILL_WAIT);
    }

    private boolean awaitGone(List<ProcessIdentity> groups, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            if (groups.stream().allMatch(this::isGone)) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private boolean isGone(ProcessIdentity g) {
        return !proc.isAlive(g) && proc.liveGroupMembers(g.pid(), g.pid(), g.startTime()).isEmpty();
    }

    /** @param groups the groups to terminate; empty to leave everything alone */
    private record Plan(Session row, Finding finding, List<ProcessIdentity> groups, String reason) {
    }
}
