package dev.agentharness.supervisor.spawn.internal;

import com.zaxxer.nuprocess.NuProcess;
import com.zaxxer.nuprocess.NuProcessHandler;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.core.error.SpawnException;
import dev.agentharness.supervisor.internal.process.AgentLauncher;
import dev.agentharness.supervisor.internal.process.ExitWatcher;
import dev.agentharness.supervisor.internal.process.HarnessEnvironment;
import dev.agentharness.supervisor.internal.process.LibC;
import dev.agentharness.supervisor.spawn.AgentExit;
import dev.agentharness.supervisor.spawn.AgentListener;
import dev.agentharness.supervisor.spawn.AgentProcess;
import dev.agentharness.supervisor.spawn.LaunchRequest;
import dev.agentharness.supervisor.spawn.Spawner;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipes, with NuProcess: {@code setsid env --default-signal=PIPE -- argv} (see {@link AgentLauncher}),
 * stdout and stderr apart, the exact exit status from {@link ExitWatcher}. NuProcess's rules hold
 * here: a handler consumes every buffer and never lets anything escape (NuProcess would print it).
 */
public final class PipeSpawner implements Spawner {
    private static final Logger LOG = LoggerFactory.getLogger(PipeSpawner.class);

    private final AgentLauncher launcher;
    private final LibC libc;

    public PipeSpawner(String path, LibC libc) {
        Map<String, String> env = new HashMap<>();
        if (path != null) {
            env.put("PATH", path);
        }
        this.launcher = new AgentLauncher(new HarnessEnvironment(env));
        this.libc = libc;
    }

    @Override
    public AgentProcess spawn(LaunchRequest request, AgentListener listener) {
        if (request.tty()) {
            throw new IllegalArgumentException("a terminal session cannot run on pipes");
        }
        PipeAgent agent = new PipeAgent(listener, new ExitWatcher(libc));
        NuProcess process = launcher.spawn(request.command(), request.env(), request.cwd(), agent);
        agent.started(process);
        if (!request.interactive()) {
            process.closeStdin(true);
            agent.stdinClosed.set(true);
        }
        return agent;
    }

    private static final class PipeAgent implements AgentProcess, NuProcessHandler {
        private final AgentListener listener;
        private final ExitWatcher exitWatcher;
        private final AtomicBoolean stdinClosed = new AtomicBoolean();
        private volatile NuProcess process;
        private volatile int pid = -1;

        PipeAgent(AgentListener listener, ExitWatcher exitWatcher) {
            this.listener = listener;
            this.exitWatcher = exitWatcher;
            exitWatcher.exited().thenAccept(s -> {
                try {
                    listener.onExit(new AgentExit(s.code(), s.signal(), s.exact()));
                } catch (Throwable t) {
                    LOG.error("handling the exit of pid {} failed", pid, t);
                }
            });
        }

        void started(NuProcess p) {
            this.process = p;
            this.pid = p.getPID();
            exitWatcher.watch(pid, Thread::new);
        }

        @Override
        public int pid() {
            return pid;
        }

        @Override
        public boolean tty() {
            return false;
        }

        @Override
        public boolean hasPendingWrites() {
            NuProcess p = process;
            return p != null && p.hasPendingWrites();
        }

        @Override
        public void writeStdin(byte[] bytes) {
            if (stdinClosed.get()) {
                throw new IllegalStateException("stdin is closed");
            }
            process.writeStdin(ByteBuffer.wrap(bytes.clone()));
        }

        @Override
        public void closeStdin() {
            if (stdinClosed.compareAndSet(false, true)) {
                process.closeStdin(false);
            }
        }

        @Override
        public void resize(TerminalSize size) {
            throw new UnsupportedOperationException("not a terminal session");
        }

        @Override
        public void onPreStart(NuProcess nuProcess) {
            this.process = nuProcess;
        }

        @Override
        public void onStart(NuProcess nuProcess) {
            this.process = nuProcess;
            this.pid = nuProcess.getPID();
        }

        @Override
        public void onStdout(ByteBuffer buffer, boolean closed) {
            deliver(StreamType.STDOUT, buffer, closed);
        }

        @Override
        public void onStderr(ByteBuffer buffer, boolean closed) {
            deliver(StreamType.STDERR, buffer, closed);
        }

        @Override
        public void onExit(int statusCode) {
            try {
                exitWatcher.reaped(statusCode);
            } catch (Throwable t) {
                LOG.error("pid {}: handling the exit failed", pid, t);
            }
        }

        @Override
        public boolean onStdinReady(ByteBuffer buffer) {
            return false;
        }

        private void deliver(StreamType stream, ByteBuffer buffer, boolean closed) {
            try {
                if (buffer != null && buffer.hasRemaining()) {
                    listener.onOutput(stream, buffer);
                }
                if (closed) {
                    // Before NuProcess reaps: the last moment the exit status can be read without a race.
                    exitWatcher.poll(process == null ? -1 : process.getPID());
                    listener.onEnd(stream);
                }
            } catch (Throwable t) {
                LOG.error("pid {}: capturing {} failed", pid, stream, t);
            } finally {
                if (buffer != null) {
                    buffer.position(buffer.limit());
                }
            }
        }
    }

    /** For the pre-flight: a spawn that NuProcess itself refused. */
    static SpawnException refused(String what) {
        return new SpawnException("could not spawn " + what + " (see the harness log)");
    }
}
