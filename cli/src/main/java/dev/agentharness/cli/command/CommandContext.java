package dev.agentharness.cli.command;

import dev.agentharness.cli.CliEnvironment;
import dev.agentharness.cli.StoreOpener;
import dev.agentharness.cli.StorePrefetch;
import dev.agentharness.service.wire.ControlClient;
import dev.agentharness.cli.launch.DaemonLauncher;
import dev.agentharness.service.view.JsonViews;
import dev.agentharness.core.error.DaemonUnavailableException;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.store.SqliteStores;
import java.time.Duration;
import java.util.Optional;

/**
 * What every command is constructed with: the process environment, the global options, and ways to
 * reach the store and the daemon. Everything heavy is created on demand, so a command pays only for
 * what it uses.
 */
public final class CommandContext {
    /** How long a command waits for a daemon it started in the background to answer. */
    static final Duration DAEMON_START_TIMEOUT = Duration.ofSeconds(20);

    private final CliEnvironment env;
    private final GlobalOptions global;
    private final StoreOpener opener;
    private final StorePrefetch prefetch;

    /**
     * @param prefetch stores being opened ahead for this home, or null
     */
    public CommandContext(CliEnvironment env, GlobalOptions global, StoreOpener opener, StorePrefetch prefetch) {
        this.env = env;
        this.global = global;
        this.opener = opener;
        this.prefetch = prefetch;
    }

    public CliEnvironment env() {
        return env;
    }

    public GlobalOptions global() {
        return global;
    }

    public HarnessHome home() {
        return HarnessHome.resolve(global.home(), env.env(), env.cwd());
    }

    /** The home's stores, created if need be; the caller closes them. */
    public SqliteStores openStores() {
        return opener.open(home());
    }

    /**
     * The home's stores for a command that only reads, opened now or taken from the prefetch: a
     * missing home is an error (never created), a read-only one is read. The caller closes them.
     */
    public SqliteStores openStoresToRead() {
        HarnessHome home = home();
        SqliteStores prefetched = prefetch == null ? null : prefetch.take(home);
        return prefetched != null ? prefetched : opener.openToRead(home);
    }

    /** Prints {@code value} as indented JSON and a newline on standard output. */
    public void printJson(Object value) throws com.fasterxml.jackson.core.JsonProcessingException {
        env.out().println(JsonViews.prettyMapper().writeValueAsString(value));
    }

    /** The running daemon, if one answers. */
    public Optional<ControlClient> tryDaemon() {
        HarnessHome home = home();
        return ControlClient.tryConnect(home.socket());
    }

    /** The running daemon, or an error saying how to start one. */
    public ControlClient daemon() {
        return tryDaemon().orElseThrow(() -> new DaemonUnavailableException("no daemon is running on " + home()
                + " (harness start launches one; or run harness daemon)"));
    }

    /** The running daemon, started in the background first if none answers. */
    public ControlClient daemonOrLaunch() {
        return new DaemonLauncher(home(), DAEMON_START_TIMEOUT, env.env()).connectOrLaunch();
    }
}
