package dev.agentharness.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentharness.cli.CliEnvironment;
import dev.agentharness.cli.StoreOpener;
import dev.agentharness.cli.control.ControlClient;
import dev.agentharness.cli.control.ControlProtocol;
import dev.agentharness.cli.daemon.DaemonLauncher;
import dev.agentharness.cli.format.JsonViews;
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

    public CommandContext(CliEnvironment env, GlobalOptions global) {
        this.env = env;
        this.global = global;
    }

    public CliEnvironment env() {
        return env;
    }

    public GlobalOptions global() {
        return global;
    }

    public HarnessHome home() {
        return HarnessHome.resolve(global.home(), env.env());
    }

    public SqliteStores openStores() {
        return new StoreOpener(env.clock()).open(home());
    }

    public ObjectMapper prettyMapper() {
        return JsonViews.prettyMapper();
    }

    /** The running daemon, if one answers. */
    public Optional<ControlClient> tryDaemon() {
        HarnessHome home = home();
        return ControlClient.tryConnect(home.socket(), ControlProtocol.newMapper());
    }

    /** The running daemon, or an error saying how to start one. */
    public ControlClient daemon() {
        return tryDaemon().orElseThrow(() -> new DaemonUnavailableException("no daemon is running on " + home()
                + " (harness start launches one; or run harness daemon)"));
    }

    /** The running daemon, started in the background first if none answers. */
    public ControlClient daemonOrLaunch() {
        return new DaemonLauncher(home(), ControlProtocol.newMapper(), DAEMON_START_TIMEOUT, env.env()).connectOrLaunch();
    }
}
