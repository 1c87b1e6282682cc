package dev.agentharness.daemon;

import dev.agentharness.core.DurationFormat;
import dev.agentharness.core.PurgeCriteria;
import dev.agentharness.core.PurgeResult;
import dev.agentharness.core.store.SessionStore;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.store.HomeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Optional;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --retention} (or {@code retention} in the home's {@code config} file): purges finished sessions
 * that ended longer ago than the limit, with their output and events, as {@code harness purge
 * --older-than} does, and logs what it removed. The daemon runs it at start and then once an hour.
 * Active sessions are never touched: {@link PurgeCriteria} only ever selects finished ones.
 */
public final class Retention {
    private static final Logger log = LoggerFactory.getLogger(Retention.class);
    public static final Duration EVERY = Duration.ofHours(1);

    private final SessionStore sessions;
    private final Duration keep;
    private final Clock clock;

    public Retention(SessionStore sessions, Duration keep, Clock clock) {
        if (keep.isZero() || keep.isNegative()) {
            throw new IllegalArgumentException("retention must be longer than 0");
        }
        this.sessions = sessions;
        this.keep = keep;
        this.clock = clock;
    }

    /** The config file's key. */
    public static final String CONFIG_KEY = "retention";

    /**
     * {@code retention} from the home's config file, if set; the file is narrowed to 0600 like
     * everything in the home (it is written by hand, with the user's umask).
     *
     * @throws HarnessException naming the file for a value that is not a duration above 0
     */
    public static Optional<Duration> configured(HarnessHome home) {
        Path file = home.config();
        String text = HomeConfig.read(file).get(CONFIG_KEY);
        if (Files.isRegularFile(file)) {
            try {
                var owner = PosixFilePermissions.fromString("rw-------");
                if (Files.isWritable(file) && !Files.getPosixFilePermissions(file).equals(owner)) {
                    Files.setPosixFilePermissions(file, owner);
                }
            } catch (IOException | UnsupportedOperationException e) {
                // Still readable; the daemon goes on.
            }
        }
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        Duration d;
        try {
            d = DurationFormat.parse(text);
        } catch (IllegalArgumentException e) {
            throw new HarnessException(file + ": invalid retention '" + text + "': " + e.getMessage());
        }
        if (d.isZero() || d.isNegative()) {
            throw new HarnessException(file + ": retention must be longer than 0");
        }
        return Optional.of(d);
    }

    /** One pass; returns what it purged. */
    public PurgeResult run() {
        PurgeResult r = sessions.purge(new PurgeCriteria(null, clock.instant().minus(keep), false, false));
        if (!r.sessionIds().isEmpty()) {
            log.info("retention {}: purged {} finished session(s) ({} bytes of output in {} chunks, {} events): {}",
                    DurationFormat.format(keep), r.sessionIds().size(), r.bytes(), r.chunks(), r.events(),
                    String.join(", ", r.sessionIds()));
        }
        return r;
    }

    public Duration keep() {
        return keep;
    }
}
