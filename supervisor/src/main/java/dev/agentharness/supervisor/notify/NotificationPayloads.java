package dev.agentharness.supervisor.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.notify.NotificationEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * The JSON a sink receives, shaped like seed 004's webhook body
 * {@code {event, session: {id, mode, status, task, …}, timestamp, data}}, with the harness's own
 * fields added to {@code session} (name, slot, cwd, project, pid, exitCode, reason, costUsd,
 * startedAt, endedAt) and to {@code data} (the checkpoint's {@code question}, the previous status,
 * the reason). {@code mode} is the agent: its profile where it has a specific one (not {@code generic}), else the
 * command's program name; {@code task} is the command line. Environment values never appear.
 */
public final class NotificationPayloads {
    private final ObjectMapper mapper = new ObjectMapper();

    public String build(NotificationEvent event, Session s, SessionStatus from, String reason, String question, Instant at) {
        ObjectNode root = mapper.createObjectNode();
        root.put("event", event.wireName());
        ObjectNode session = root.putObject("session");
        session.put("id", s.id());
        session.put("mode", mode(s));
        session.put("status", s.status().wireName());
        session.put("task", commandLine(s.command()));
        session.put("name", s.name());
        if (s.slot() == null) {
            session.putNull("slot");
        } else {
            session.put("slot", s.slot());
        }
        session.put("cwd", s.cwd());
        session.put("project", s.spec().project());
        if (s.pid() == null) {
            session.putNull("pid");
        } else {
            session.put("pid", s.pid());
        }
        if (s.exitCode() == null) {
            session.putNull("exitCode");
        } else {
            session.put("exitCode", s.exitCode());
        }
        session.put("reason", s.reason());
        Double cost = s.agent().costUsd();
        if (cost != null) {
            session.put("costUsd", cost);
        } else {
            session.putNull("costUsd");
        }
        session.put("startedAt", format(s.startedAt()));
        session.put("endedAt", format(s.endedAt()));
        root.put("timestamp", format(at));
        ObjectNode data = root.putObject("data");
        data.put("from", from == null ? null : from.wireName());
        data.put("reason", reason);
        if (question != null) {
            data.put("question", question);
        }
        try {
            return mapper.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a notification payload", e);
        }
    }

    private static String mode(Session s) {
        String agent = s.spec().agent();
        if (agent != null && !agent.equals("generic")) {
            return agent;
        }
        Path program = Path.of(s.command().get(0)).getFileName();
        return program == null ? s.command().get(0) : program.toString();
    }

    /** argv as one would type it: words that need it single-quoted, so that the task reads unambiguously. */
    static String commandLine(java.util.List<String> argv) {
        StringBuilder b = new StringBuilder();
        for (String a : argv) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(!a.isEmpty() && a.matches("[A-Za-z0-9_./=:,@%+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return b.toString();
    }

    private static String format(Instant t) {
        return t == null ? null : DateTimeFormatter.ISO_INSTANT.format(t);
    }
}
