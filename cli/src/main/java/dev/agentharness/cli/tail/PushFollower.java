package dev.agentharness.cli.tail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.error.DaemonUnavailableException;
import dev.agentharness.core.error.NoSuchSessionException;
import dev.agentharness.core.store.SessionStore;
import dev.agentharness.service.wire.ControlClient;
import dev.agentharness.service.wire.ControlProtocol;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * Live follow by push: the daemon sends each chunk as soon as it is committed, instead of the
 * follower asking the store every few milliseconds. It keeps the same cursor as
 * {@link OutputFollower} (the seq of the last chunk written), so when there is no daemon, or the
 * daemon goes away in the middle, the follow goes on by reading the store from that cursor: no
 * gap, no double at the switch.
 */
public final class PushFollower {
    private final Path socket;
    private final SessionStore sessions;
    private final OutputFollower fallback;

    public PushFollower(Path socket, SessionStore sessions, OutputFollower fallback) {
        this.socket = socket;
        this.sessions = sessions;
        this.fallback = fallback;
    }

    /** As {@link OutputFollower#follow}: writes every chunk after {@code cursor} until the session ends. */
    public Session follow(String sessionId, long cursor, Set<StreamType> streams, ChunkSink out)
            throws IOException, InterruptedException {
        Optional<ControlClient> daemon = ControlClient.tryConnect(socket);
        if (daemon.isPresent()) {
            long[] last = {cursor};
            try (ControlClient client = daemon.get()) {
                pushed(client, sessionId, last, streams, out);
            } catch (DaemonUnavailableException gone) {
                // The daemon went away (or is too old to push): read the store from where we are.
            }
            cursor = last[0];
        }
        // After a pushed end this only drains what is left (nothing, normally) and reads the final
        // row; after a lost daemon it follows the store from the cursor.
        return fallback.follow(sessionId, cursor, streams, out);
    }

    /** Writes pushed chunks until the session has ended or the daemon stopped the stream. */
    private void pushed(ControlClient client, String sessionId, long[] cursor, Set<StreamType> streams, ChunkSink out)
            throws IOException {
        JsonNode line = client.call(client.request(ControlProtocol.OP_SUBSCRIBE).put("session", sessionId).put("after", cursor[0]));
        while (true) {
            if (line.has("subscribed")) {
                // From here on every change is pushed; one that came before is on the row.
                Session now = sessions.get(sessionId).orElseThrow(() -> new NoSuchSessionException(sessionId + " (it was purged)"));
                if (now.status().isTerminal()) {
                    return;
                }
            }
            JsonNode output = line.get("output");
            if (output != null) {
                long seq = output.path("seq").asLong();
                if (seq > cursor[0] + 1) {
                    // A gap, which the daemon's cursor per subscriber should never leave: the store
                    // has what is missing, and the follow goes on from there by reading it.
                    return;
                }
                if (seq > cursor[0]) {
                    StreamType stream = StreamType.fromWireName(output.path("stream").asText());
                    if (streams.contains(stream)) {
                        out.write(new OutputChunk(sessionId, seq, stream, Instant.parse(output.path("at").asText()),
                                Base64.getDecoder().decode(output.path("data").asText())));
                        out.flush();
                    }
                    cursor[0] = seq;
                }
            }
            JsonNode changed = line.get("changed");
            if (changed != null) {
                SessionStatus status = SessionStatus.fromWireName(changed.path("status").asText());
                if (status != null && status.isTerminal()) {
                    return;
                }
            }
            if (line.has("dropped")) {
                return;
            }
            line = client.next();
        }
    }
}
