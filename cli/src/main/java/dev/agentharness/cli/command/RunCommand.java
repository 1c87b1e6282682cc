package dev.agentharness.cli.command;

import dev.agentharness.cli.Errors;
import dev.agentharness.cli.ExitCodes;
import dev.agentharness.core.error.UsageException;
import dev.agentharness.cli.attach.UserTerminal;
import dev.agentharness.service.wire.ControlClient;
import dev.agentharness.service.wire.ControlProtocol;
import java.util.Arrays;
import java.util.Base64;
import dev.agentharness.daemon.Signals;
import dev.agentharness.cli.tail.ChunkSink;
import dev.agentharness.daemon.DaemonPid;
import dev.agentharness.cli.tail.OutputFollower;
import dev.agentharness.cli.tail.RestartChain;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.store.SqliteStores;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.EnumSet;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", sortOptions = false,
        description = {"Start a session and follow its output until it ends, like docker run.",
                "Exits with the agent's exit code (127 when it could not be spawned, 124 when it timed out without one).",
                "Ctrl-C detaches (exit 130) and leaves the agent running.",
                "-i forwards standard input to the agent (its end as EOF); -t runs it on a terminal and attaches, like docker run -it."})
public final class RunCommand implements Callable<Integer> {
    /** A {@code timed_out} session, as timeout(1) exits. */
    static final int TIMED_OUT = ExitCodes.TIMED_OUT;

    private final CommandContext ctx;

    @Mixin
    StartOptions options;

    @Option(names = {"-q", "--quiet"}, description = "Do not print the started and ended lines on stderr.")
    boolean quiet;

    public RunCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        var spec = options.toSpec(ctx.env().cwd(), ctx.env().env(), dir -> {
            try (var stores = ctx.openStores()) {
                return stores.projects().get(dir);
            }
        });
        if (spec.tty()) {
            return runOnTerminal(spec);
        }
        AtomicReference<String> label = new AtomicReference<>();
        Signals.on("INT", () -> detach(label.get()));
        SessionStarter.Started s;
        try (ControlClient client = ctx.daemonOrLaunch()) {
            s = SessionStarter.start(client, spec, options.waitForSlot(), ctx.env().err());
        }
        label.set(s.label());
        if (s.failedToSpawn()) {
            ctx.env().err().println("harness: session " + s.label() + " failed to start: " + s.reason());
            return ExitCodes.SPAWN_FAILED;
        }
        if (!quiet) {
            ctx.env().err().println("harness: session " + s.id() + " started in slot " + s.slot() + " (Ctrl-C detaches)");
        }
        if (options.interactive()) {
            forwardStdin(s.id());
        }
        // The agent's stdout to ours and its stderr to ours, byte for byte, as docker run keeps them.
        OutputStream out = new BufferedOutputStream(ctx.env().stdout(), 1 << 16);
        ChunkSink sink = ChunkSink.split(out, ctx.env().err());
        Session ended;
        try (SqliteStores stores = ctx.openStores()) {
            OutputFollower follower = new OutputFollower(stores.outputs(), stores.sessions());
            RestartChain chain = new RestartChain(stores.sessions());
            ended = follower.follow(s.id(), 0, EnumSet.allOf(StreamType.class), sink);
            sink.flush();
            // Like pm2 logs: through every automatic restart, to the last one, whose exit code is ours.
            while (RestartChain.willRestart(ended)) {
                ctx.env().err().println("harness: " + EndMessage.of(ended) + "; " + RestartChain.announcement(ended));
                var next = chain.successor(ended, RestartChain.SUCCESSOR_TIMEOUT,
                        () -> DaemonPid.readAlive(ctx.home()).isPresent());
                if (next.isEmpty()) {
                    ctx.env().err().println("harness: no restart of " + ended.label() + " appeared (the daemon stopped?)");
                    break;
                }
                label.set(next.get().label());
                if (!quiet) {
                    ctx.env().err().println("harness: session " + next.get().label() + " (" + next.get().id()
                            + ") restarts " + ended.label());
                }
                ended = follower.follow(next.get().id(), 0, EnumSet.allOf(StreamType.class), sink);
                sink.flush();
            }
        } catch (IOException e) {
            if (Errors.isBrokenPipe(e)) {
                // Nobody reads the output any more; the agent goes on, as after Ctrl-C.
                return ExitCodes.OK;
            }
            throw e;
        }
        if (!quiet) {
            ctx.env().err().println("harness: " + EndMessage.of(ended));
        }
        return exitCode(ended);
    }

    /** {@code run -t}: start, then attach, as {@code docker run -it} does; refused before starting without a terminal. */
    private int runOnTerminal(dev.agentharness.core.SessionSpec spec) throws Exception {
        UserTerminal terminal = UserTerminal.open().orElseThrow(() -> new UsageException(
                "run -t needs a terminal (standard input and output must be one); use harness start -t and harness attach"));
        byte key = AttachCommand.detachByte(ctx.env().env().getOrDefault("HARNESS_DETACH_KEY", AttachCommand.DEFAULT_DETACH_KEY));
        SessionStarter.Started s;
        try (ControlClient client = ctx.daemonOrLaunch()) {
            s = SessionStarter.start(client, spec, options.waitForSlot(), ctx.env().err());
        }
        if (s.failedToSpawn()) {
            ctx.env().err().println("harness: session " + s.label() + " failed to start: " + s.reason());
            return ExitCodes.SPAWN_FAILED;
        }
        Session session;
        try (SqliteStores stores = ctx.openStores()) {
            session = stores.sessions().get(s.id()).orElseThrow();
        }
        return AttachCommand.attach(ctx, terminal, session, key, false);
    }

    /**
     * {@code run -i}: our standard input goes to the agent's, and its end to the agent as EOF. A
     * thread of its own, so that output keeps flowing while input is read.
     */
    private void forwardStdin(String sessionId) {
        Thread t = new Thread(() -> {
            try (ControlClient client = ctx.daemon()) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = ctx.env().stdin().read(buf)) >= 0) {
                    if (n > 0) {
                        client.call(client.request(ControlProtocol.OP_SEND).put("session", sessionId)
                                .put("base64", Base64.getEncoder().encodeToString(Arrays.copyOf(buf, n))));
                    }
                }
                client.call(client.request(ControlProtocol.OP_SEND).put("session", sessionId).put("close", true));
            } catch (IOException | RuntimeException e) {
                // The agent ended or closed its input: what is left of ours has nowhere to go.
            }
        }, "harness-run-stdin");
        t.setDaemon(true);
        t.start();
    }

    private void detach(String session) {
        if (session == null) {
            ctx.env().err().println("\nharness: interrupted before the session started");
        } else {
            ctx.env().err().println("\nharness: detached; session " + session + " keeps running — harness tail -f " + session);
        }
        ctx.env().err().flush();
        Runtime.getRuntime().halt(ExitCodes.DETACHED);
    }

    /**
     * The agent's own exit code where there is one, so scripts can use harness run like the agent
     * itself; but always 124 for {@code timed_out}, as timeout(1) does: the agent then exits by the
     * harness's SIGTERM (143), which would look like a stop.
     */
    static int exitCode(Session s) {
        if (s.status() == SessionStatus.TIMED_OUT) {
            return TIMED_OUT;
        }
        if (s.exitCode() != null) {
            return s.exitCode() & 0xff;
        }
        if (s.status() == SessionStatus.COMPLETED) {
            return 0;
        }
        if (s.status() == SessionStatus.FAILED && s.startedAt() == null) {
            return ExitCodes.SPAWN_FAILED;
        }
        return ExitCodes.ERROR;
    }
}
