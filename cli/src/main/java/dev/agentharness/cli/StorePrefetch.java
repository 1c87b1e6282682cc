package dev.agentharness.cli;

import dev.agentharness.store.HarnessHome;
import dev.agentharness.store.SqliteStores;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Opens the store on a second thread while picocli builds its model and parses, for the commands
 * that read the database directly: on two cores that takes the store's opening cost (driver,
 * native library, schema check) off the start-up path of {@code ps}, {@code tail} and friends.
 *
 * <p>A command takes the prefetched stores only if it resolved the same home; whatever is not taken
 * is closed. Errors (a corrupt database) surface only when a command takes the stores, so a usage
 * error is still reported as one.
 */
public final class StorePrefetch implements AutoCloseable {
    /** Commands that only read; they take the stores opened with {@link StoreOpener#openToRead}. */
    static final Set<String> READERS = Set.of("ps", "show", "tail", "wait", "runs", "stats", "projects", "queue");

    private final HarnessHome home;
    private final FutureTask<SqliteStores> opening;
    private boolean taken;

    private StorePrefetch(HarnessHome home, StoreOpener opener) {
        this.home = home;
        this.opening = new FutureTask<>(() -> opener.openToRead(home));
        Thread t = new Thread(opening, "harness-store-prefetch");
        t.setDaemon(true);
        t.start();
    }

    /** A prefetch for {@code command} if it reads the store, else null. */
    static StorePrefetch startFor(String command, String[] args, Map<String, String> env, StoreOpener opener) {
        if (command == null || !READERS.contains(command)) {
            return null;
        }
        return new StorePrefetch(HarnessHome.resolve(homeOption(args), env), opener);
    }

    /** The value of {@code --home}, wherever it appears before {@code --}; null if absent. */
    static String homeOption(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                return null;
            }
            if (args[i].equals("--home") && i + 1 < args.length) {
                return args[i + 1];
            }
            if (args[i].startsWith("--home=")) {
                return args[i].substring("--home=".length());
            }
        }
        return null;
    }

    /** The prefetched stores, if they are for {@code wanted} and nobody took them yet; the caller closes them. */
    public synchronized SqliteStores take(HarnessHome wanted) {
        if (taken || !wanted.dir().equals(home.dir())) {
            return null;
        }
        taken = true;
        try {
            return opening.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while opening the database", e);
        }
    }

    @Override
    public synchronized void close() {
        if (taken) {
            return;
        }
        taken = true;
        try {
            opening.get().close();
        } catch (ExecutionException | RuntimeException e) {
            // Nobody asked for these stores; their failure is nobody's business.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
