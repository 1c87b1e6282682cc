package dev.agentharness.supervisor.spawn.internal;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;
import com.pty4j.unix.UnixPtyProcess;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.core.error.SpawnException;
import dev.agentharness.supervisor.internal.process.ExitWatcher;
import dev.agentharness.supervisor.internal.process.LibC;
import dev.agentharness.supervisor.spawn.AgentExit;
import dev.agentharness.supervisor.spawn.AgentListener;
import dev.agentharness.supervisor.spawn.AgentProcess;
import dev.agentharness.supervisor.spawn.LaunchRequest;
import dev.agentharness.supervisor.spawn.Spawner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pseudo-terminal, with pty4j: the agent gets the terminal's slave side as its controlling
 * terminal and stdin/stdout/stderr, in a session and process group of its own (pty4j's spawn helper
 * runs setsid and TIOCSCTTY; a further setsid here would drop the controlling terminal, so the argv
 * is only wrapped in {@code env --default-signal=PIPE --}). TERM is xterm-256color unless the
 * request sets it. Everything the terminal emits is one stream, {@code pty}, read on one thread.
 */
public final class PtySpawner implements Spawner {
    private static final Logger LOG = LoggerFactory.getLogger(PtySpawner.class);
    private static final String FALLBACK_PATH = "/usr/bin:/bin:/usr/sbin:/sbin";
    private static final int READ_BYTES = 64 * 1024;
    private static final byte EOF_CHAR = 4; // Ctrl-D, the terminal's VEOF in canonical mode

    private final String envTool;
    private final String shTool;
    private final LibC libc;

    public PtySpawner(String path) {
        this.envTool = find("env", path == null ? FALLBACK_PATH : path + ":" + FALLBACK_PATH);
        this.shTool = find("sh", path == null ? FALLBACK_PATH : path + ":" + FALLBACK_PATH);
        this.libc = LibC.load();
    }

    @Override
    public AgentProcess spawn(LaunchRequest request, AgentListener listener) {
        TerminalSize size = request.terminal() == null ? TerminalSize.DEFAULT : request.terminal();
        Map<String, String> env = new TreeMap<>(request.env());
        env.putIfAbsent("TERM", "xterm-256color");
        List<String> argv = new ArrayList<>();
        if (envTool == null) {
            throw new SpawnException("cannot launch agents: env (coreutils) not found on PATH");
        }
        if (shTool != null) {
            // pty4j gives the terminal its size only after the child has started, so an agent that
            // looked at once saw 0x0 and then got a SIGWINCH it never asked for. The child sets the
            // size itself before the agent is exec'd; pty4j's later call then changes nothing and
            // signals nobody. A fixed script; the agent's argv is passed through "$@" untouched.
            argv.add(shTool);
            argv.add("-c");
            argv.add("stty cols \"$1\" rows \"$2\" 2>/dev/null; shift 2; exec \"$@\"");
            argv.add("sh");
            argv.add(Integer.toString(size.cols()));
            argv.add(Integer.toString(size.rows()));
        }
        argv.add(envTool);
        argv.add("--default-signal=PIPE");
        argv.add("--");
        argv.addAll(request.command());
        PtyProcess process;
        try {
            process = new PtyProcessBuilder(argv.toArray(new String[0]))
                    .setEnvironment(env)
                    .setDirectory(request.cwd().toString())
                    .setInitialColumns(size.cols())
                    .setInitialRows(size.rows())
                    .setConsole(false)
                    .setUseWinConPty(false)
                    .start();
        } catch (IOException e) {
            throw new SpawnException("could not spawn " + request.command().get(0) + " on a terminal: " + e.getMessage());
        }
        PtyAgent agent = new PtyAgent(process, listener, new ExitWatcher(libc), new TerminalDrain(libc));
        agent.start();
        return agent;
    }

    private static String find(String name, String path) {
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name).toAbsolutePath().toString();
            }
        }
        return null;
    }

    private static final class PtyAgent implements AgentProcess {
        private final PtyProcess process;
        private final AgentListener listener;
        private final ExitWatcher exitWatcher;
        private final int pid;
        private final AtomicBoolean exitReported = new AtomicBoolean();
        private final TerminalDrain drain;

        PtyAgent(PtyProcess process, AgentListener listener, ExitWatcher exitWatcher, TerminalDrain drain) {
            this.process = process;
            this.drain = drain;
            this.listener = listener;
            this.exitWatcher = exitWatcher;
            this.pid = (int) process.pid();
        }

        void start() {
            exitWatcher.exited().thenAccept(s -> {
                if (exitReported.compareAndSet(false, true)) {
                    listener.onExit(new AgentExit(s.code(), s.signal(), s.exact()));
                }
            });
            exitWatcher.watch(pid, Thread::new);
            Thread reader = new Thread(this::pump, "harness-pty-" + pid);
            reader.setDaemon(true);
            reader.start();
            // pty4j reaps on its own thread; if it wins the race with waitid, its exit value decides. It
            // reports a signal death as 128 + the signal, so only a value below 128 is surely an exit code.
            Thread reaper = new Thread(() -> {
                try {
                    int code = process.waitFor();
                    exitWatcher.exited().complete(new dev.agentharness.supervisor.internal.process.ExitStatus(code, null, code >= 0 && code < 128));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "harness-pty-wait-" + pid);
            reaper.setDaemon(true);
            reaper.start();
        }

        private void pump() {
            byte[] buf = new byte[READ_BYTES];
            try (InputStream in = process.getInputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    listener.onOutput(StreamType.PTY, ByteBuffer.wrap(buf, 0, n));
                }
                // pty4j's stream ends at the agent's exit even with output still on its way (TerminalDrain).
                if (process instanceof UnixPtyProcess unix) {
                    drain.drain(unix.getPty().getMasterFD(), buf, b -> listener.onOutput(StreamType.PTY, b));
                }
            } catch (IOException e) {
                // EIO: every process holding the terminal's slave side has gone: the terminal's end of file.
            } catch (Throwable t) {
                LOG.error("pid {}: capturing the terminal failed", pid, t);
            } finally {
                listener.onEnd(StreamType.PTY);
            }
        }

        @Override
        public int pid() {
            return pid;
        }

        @Override
        public boolean tty() {
            return true;
        }

        @Override
        public void writeStdin(byte[] bytes) {
            try {
                OutputStream out = process.getOutputStream();
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                throw new IllegalStateException("the terminal is closed: " + e.getMessage());
            }
        }

        @Override
        public void closeStdin() {
            writeStdin(new byte[] {EOF_CHAR});
        }

        @Override
        public void resize(TerminalSize size) {
            process.setWinSize(new WinSize(size.cols(), size.rows()));
        }
    }
}
