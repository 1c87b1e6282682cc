package dev.agentharness.store.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentharness.core.EventType;
import dev.agentharness.core.IdGenerator;
import dev.agentharness.core.LegacyImportReport;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.error.HarnessException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Imports a legacy {@code sessions.json}: seed 000's array of AgentSession objects (also wrapped as
 * {@code {"sessions": [...]}}) or seed 003's session rows.
 *
 * <p>Nothing the old tool was running is supervised by this harness, so entries that were active
 * are imported {@code crashed} with a reason saying so; history is imported as it was. Each
 * session remembers its legacy id (seed 000: id, else agentName) in {@code legacy_id}, which is
 * unique, so importing the same file again adds nothing. The whole file is one transaction:
 * malformed entries are reported and skipped, but a failure of the import itself leaves the
 * database as it was.
 */
public final class LegacyImporter {
    static final List<String> UNKNOWN_COMMAND = List.of("(unknown: imported from a legacy sessions.json)");

    private static final String LEGACY_PRESENT = "SELECT id FROM sessions WHERE legacy_id = ?";
    private static final String NAME_TAKEN = "SELECT id FROM sessions WHERE name = ?";

    private final SqliteDatabase db;
    private final SqliteSessionStore sessions;
    private final SqliteEventStore events;
    private final JsonCodec json;
    private final IdGenerator ids;
    private final Clock clock;
    private final int slotCount;

    public LegacyImporter(SqliteDatabase db, SqliteSessionStore sessions, SqliteEventStore events, JsonCodec json,
                          IdGenerator ids, Clock clock, int slotCount) {
        this.db = db;
        this.sessions = sessions;
        this.events = events;
        this.json = json;
        this.ids = ids;
        this.clock = clock;
        this.slotCount = slotCount;
    }

    /** One parsed entry, not yet stored. */
    private record Entry(int index, String legacyId, Session session, String legacyStatus) {
    }

    /** An entry that cannot be imported; the message is the report line. */
    private static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    public LegacyImportReport importFile(Path file) {
        JsonNode entries = entries(file);
        Instant now = Times.truncate(clock.instant());
        List<Entry> parsed = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            try {
                parsed.add(parse(i, entries.get(i), now));
            } catch (Malformed m) {
                skipped.add(m.getMessage());
            }
        }
        return db.write(() -> {
            List<String> imported = new ArrayList<>();
            List<String> alreadyPresent = new ArrayList<>();
            Map<String, Integer> seen = new HashMap<>();
            for (Entry e : parsed) {
                Integer earlier = seen.putIfAbsent(e.legacyId(), e.index());
                if (earlier != null) {
                    skipped.add("entry " + e.index() + " (" + e.legacyId() + "): same id as entry " + earlier);
                    continue;
                }
                if (exists(LEGACY_PRESENT, e.legacyId())) {
                    alreadyPresent.add(e.legacyId());
                    continue;
                }
                Session s = e.session();
                if (s.name() != null && exists(NAME_TAKEN, s.name())) {
                    s = s.toBuilder().spec(s.spec().withName(null)).build(); // the name stays in metadata
                }
                sessions.insert(s, e.legacyId());
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("importedFrom", file.toAbsolutePath().toString());
                data.put("legacyId", e.legacyId());
                data.put("legacyStatus", e.legacyStatus());
                events.append(s.id(), EventType.CREATED, data);
                if (s.status() == SessionStatus.CRASHED && s.reason() != null) {
                    events.append(s.id(), EventType.CRASHED, Map.of("reason", s.reason()));
                }
                imported.add(s.id());
            }
            return new LegacyImportReport(imported, alreadyPresent, skipped);
        });
    }

    private boolean exists(String sql, String value) throws SQLException {
        try (ResultSet rs = Sql.bind(db.statement(sql), value).executeQuery()) {
            return rs.next();
        }
    }

    private JsonNode entries(Path file) {
        JsonNode root;
        try {
            root = json.mapper().readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new HarnessException("cannot import " + file + ": no such file");
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new HarnessException("cannot import " + file + ": it is not JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new HarnessException("cannot import " + file + ": " + SqlErrors.oneLine(e.getMessage()), e);
        }
        if (root != null && root.isObject() && root.get("sessions") != null && root.get("sessions").isArray()) {
            return root.get("sessions");
        }
        if (root != null && root.isArray()) {
            return root;
        }
        throw new HarnessException("cannot import " + file
                + ": expected a legacy sessions.json, an array of sessions or {\"sessions\": [...]}");
    }

    private Entry parse(int index, JsonNode node, Instant now) throws Malformed {
        if (node == null || !node.isObject()) {
            throw new Malformed("entry " + index + ": not an object");
        }
        if (node.has("state")) {
            return parseSeed000(index, node, now);
        }
        if (node.has("status")) {
            return parseSeed003(index, node, now);
        }
        throw new Malformed("entry " + index + ": has neither a state (seed 000) nor a status (seed 003)");
    }

    /** Seed 000: agentName, state booting/working/completed/stalled/zombie, worktreePath, startedAt... */
    private Entry parseSeed000(int index, JsonNode n, Instant now) throws Malformed {
        String agentName = name(index, n);
        String legacyId = firstNonBlank(text(index, n, "id"), agentName);
        if (legacyId == null) {
            throw new Malformed("entry " + index + ": has neither an id nor an agentName");
        }
        String where = "entry " + index + " (" + legacyId + ")";
        String state = text(index, n, "state");
        String cwd = cwd(index, n);
        if (cwd == null) {
            throw new Malformed(where + ": no worktreePath (or cwd, working_dir)");
        }
        Instant startedAt = time(where, n, "startedAt");
        Instant lastActivity = time(where, n, "lastActivity");
        Instant stalledSince = time(where, n, "stalledSince");
        Integer escalation = integer(where, n, "escalationLevel");
        if (escalation != null && escalation < 0) {
            throw new Malformed(where + ": escalationLevel is negative");
        }
        String stateKey = state == null ? "" : state.toLowerCase(Locale.ROOT);
        SessionStatus status;
        String reason = null;
        switch (stateKey) {
            case "booting", "working", "stalled" -> {
                status = SessionStatus.CRASHED;
                reason = "imported from legacy sessions.json while " + stateKey + "; not supervised by this harness";
            }
            case "zombie" -> {
                status = SessionStatus.CRASHED;
                reason = "imported from legacy sessions.json as a zombie; not supervised by this harness";
            }
            case "completed" -> status = SessionStatus.COMPLETED;
            default -> throw new Malformed(where + ": unknown state '" + state + "'");
        }
        SessionSpec spec = SessionSpec.builder(command(where, n), cwd)
                .name(agentName)
                .runId(text(index, n, "runId"))
                .metadata(legacyMetadata(n, "000"))
                // Filed under its cwd, as the V4 migration files older rows: where it ran, then.
                .project(cwd)
                .build();
        Instant created = firstNonNull(startedAt, lastActivity, now);
        Session session = new Session(ids.newId(), spec, null, status, integer(where, n, "pid"), null, exitCode(where, n), reason,
                created, startedAt, firstNonNull(lastActivity, startedAt, now), lastActivity, stalledSince,
                escalation == null ? 0 : escalation, 0, 0);
        return new Entry(index, legacyId, session, stateKey);
    }

    /** Seed 003: id, slot, status idle/running/waiting_checkpoint/completed/failed, working_dir, current_command... */
    private Entry parseSeed003(int index, JsonNode n, Instant now) throws Malformed {
        String legacyId = text(index, n, "id");
        if (legacyId == null) {
            throw new Malformed("entry " + index + ": no id");
        }
        String where = "entry " + index + " (" + legacyId + ")";
        String statusText = text(index, n, "status");
        String key = statusText == null ? "" : statusText.toLowerCase(Locale.ROOT);
        SessionStatus status;
        String reason = null;
        switch (key) {
            case "idle", "running", "waiting_checkpoint" -> {
                status = SessionStatus.CRASHED;
                reason = "imported from legacy sessions.json while " + key + "; not supervised by this harness";
            }
            case "completed" -> status = SessionStatus.COMPLETED;
            case "failed" -> status = SessionStatus.FAILED;
            default -> throw new Malformed(where + ": unknown status '" + statusText + "'");
        }
        String cwd = cwd(index, n);
        if (cwd == null) {
            throw new Malformed(where + ": no working_dir (or cwd, worktreePath)");
        }
        List<String> command = command(where, n);
        Integer slot = integer(where, n, "slot");
        if (slot != null && (slot < 1 || slot > slotCount)) {
            slot = null; // history from a store with other slots; not a slot of ours
        }
        Instant startedAt = firstNonNull(time(where, n, "started_at"), time(where, n, "startedAt"));
        Instant endedAt = firstNonNull(time(where, n, "ended_at"), time(where, n, "endedAt"));
        Instant createdAt = firstNonNull(time(where, n, "created_at"), time(where, n, "createdAt"));
        Instant updatedAt = firstNonNull(time(where, n, "updated_at"), time(where, n, "updatedAt"));
        SessionSpec spec = SessionSpec.builder(command, cwd).name(name(index, n)).metadata(legacyMetadata(n, "003"))
                .project(cwd).build();
        Session session = new Session(ids.newId(), spec, slot, status, integer(where, n, "pid"), null, exitCode(where, n), reason,
                firstNonNull(createdAt, startedAt, now), startedAt, firstNonNull(endedAt, updatedAt, startedAt, now),
                null, null, 0, 0, 0);
        return new Entry(index, legacyId, session, key);
    }

    /*
     * The names people use for the same fields, in both shapes: whichever is present first wins.
     */

    private static String name(int index, JsonNode n) throws Malformed {
        return firstNonBlank(text(index, n, "name"), text(index, n, "agentName"), text(index, n, "agent_name"));
    }

    private static String cwd(int index, JsonNode n) throws Malformed {
        return firstNonBlank(text(index, n, "cwd"), text(index, n, "working_dir"), text(index, n, "workingDir"),
                text(index, n, "worktreePath"), text(index, n, "worktree_path"));
    }

    private static Integer exitCode(String where, JsonNode n) throws Malformed {
        Integer code = integer(where, n, "exit_code");
        return code != null ? code : integer(where, n, "exitCode");
    }

    /**
     * {@code command} as an argv array, or a command line (in {@code command}, {@code current_command}
     * or {@code currentCommand}) run by {@code /bin/sh -c} as the old tool did.
     */
    private static List<String> command(String where, JsonNode n) throws Malformed {
        for (String field : List.of("command", "current_command", "currentCommand")) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                continue;
            }
            if (v.isArray()) {
                List<String> argv = new ArrayList<>();
                for (JsonNode a : v) {
                    if (!a.isTextual()) {
                        throw new Malformed(where + ": " + field + " is not an array of strings");
                    }
                    argv.add(a.asText());
                }
                if (argv.isEmpty() || argv.get(0).isBlank()) {
                    continue;
                }
                return argv;
            }
            if (!v.isTextual()) {
                throw new Malformed(where + ": " + field + " is not a string or an array of strings");
            }
            if (!v.asText().isBlank()) {
                return List.of("/bin/sh", "-c", v.asText().strip());
            }
        }
        return UNKNOWN_COMMAND;
    }

    /** The original entry, minus anything that looks like an environment, under "legacy". */
    private Map<String, Object> legacyMetadata(JsonNode n, String seed) {
        ObjectNode copy = ((ObjectNode) n).deepCopy();
        copy.remove(List.of("env", "environment"));
        Map<String, Object> legacy = new LinkedHashMap<>(json.toMap(copy));
        legacy.put("format", "seed " + seed);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("legacy", legacy);
        return metadata;
    }

    private static String text(int index, JsonNode n, String field) throws Malformed {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() && !v.isNumber()) {
            throw new Malformed("entry " + index + ": " + field + " is not a string");
        }
        String s = v.asText().strip();
        return s.isEmpty() ? null : s;
    }

    private static Integer integer(String where, JsonNode n, String field) throws Malformed {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return v.intValue();
        }
        if (v.isTextual() && v.asText().strip().matches("-?\\d{1,9}")) {
            return Integer.parseInt(v.asText().strip());
        }
        throw new Malformed(where + ": " + field + " is not an integer");
    }

    /** ISO-8601 with or without zone (UTC assumed), SQLite's "2025-01-31 12:00:00", or epoch seconds/millis. */
    private static Instant time(String where, JsonNode n, String field) throws Malformed {
        JsonNode v = n.get(field);
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
            return null;
        }
        if (v.isNumber()) {
            long x = v.asLong();
            return Times.truncate(x > 100_000_000_000L ? Instant.ofEpochMilli(x) : Instant.ofEpochSecond(x));
        }
        String s = v.asText().strip();
        try {
            return Times.truncate(Instant.parse(s));
        } catch (DateTimeParseException notInstant) {
            try {
                return Times.truncate(OffsetDateTime.parse(s).toInstant());
            } catch (DateTimeParseException notOffset) {
                try {
                    return Times.truncate(LocalDateTime.parse(s.replace(' ', 'T')).toInstant(ZoneOffset.UTC));
                } catch (DateTimeParseException notLocal) {
                    throw new Malformed(where + ": " + field + " is not a timestamp ('" + s + "')");
                }
            }
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
