package dev.agentharness.cli.attach;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentharness.service.wire.ControlClient;
import dev.agentharness.service.wire.ControlProtocol;
import dev.agentharness.daemon.Signals;
import dev.agentharness.service.screen.StoredScreen;
import dev.agentharness.cli.tail.ChunkSink;
import dev.agentharness.cli.tail.OutputFollower;
import dev.agentharness.core.Session;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.store.SqliteStores;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Connects the user's terminal to a terminal session, like {@code tmux attach}: raw mode, the
 * current screen redrawn, then the agent's output live (from the store, by seq, as {@code tail -f}
 * reads it) and every keystroke to the agent (through the daemon's {@code send}). The user's size
 * is given to the agent on attach and on every SIGWINCH. The detach key leaves the agent running.
 *
 * <p>The user's terminal is put back on every way out: detach, the session's end, an error, and
 * SIGTERM/SIGHUP/SIGINT sent to this process (raw mode means Ctrl-C is a byte for the agent, not a
 * signal). The attach uses the alternate screen, so the shell's screen reappears afterwards.
 */
public final class Attacher {
    /** Resets what the agent may have turned on in the user's terminal, then leaves the alternate screen. */
    static final String RESET_MODES = "\u001B[0m\u001B[?2004l\u001B[?1l\u001B>\u001B[?1000l\u001B[?1002l\u001B[?1003l"
            + "\u001B[?1006l\u001B[?25h\u001B[?1049l";

    private final Supplier<SqliteStores> stores;
    private final Supplier<ControlClient> daemon;
    private final UserTerminal terminal;
    private final InputStream in;
    private final OutputStream out;
    private final byte detachKey;
    private final boolean readOnly;

    public Attacher(Supplier<SqliteStores> stores, Supplier<ControlClient> daemon, UserTerminal terminal,
                    InputStream in, OutputStream out, byte detachKey, boolean readOnly) {
        this.stores = stores;
        this.daemon = daemon;
        this.terminal = terminal;
        this.in = in;
        this.out = out;
        this.detachKey = detachKey;
        this.readOnly = readOnly;
    }

    /** How the attach ended. */
    public enum End { DETACHED, SESSION_ENDED }

    /** @return how it ended, and the session as last read */
    public record Result(End end, Session session) {
    }

    public Result attach(Session session) throws IOException, InterruptedException {
        Thread restoreOnExit = new Thread(this::restore, "harness-attach-restore");
        Runtime.getRuntime().addShutdownHook(restoreOnExit);
        for (String sig : new String[] {"TERM", "HUP", "INT"}) {
            Signals.on(sig, () -> {
                restore();
                Runtime.getRuntime().halt(130);
            });
        }
        ControlClient control = readOnly ? null : daemon.get();
        try (SqliteStores s = stores.get()) {
            StoredScreen.Replayed replayed = new StoredScreen(s.outputs(), s.events()).replay(session);
            terminal.enterRaw();
            write("\u001B[?1049h" + replayed.emulator().repaint());
            if (control != null) {
                resize(control, session, terminal.size());
                Signals.on("WINCH", () -> resize(control, session, terminal.size()));
            }
            CompletableFuture<Result> done = new CompletableFuture<>();
            GuardedWriter live = new GuardedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            Thread output = new Thread(() -> {
                try {
                    Session ended = new OutputFollower(s.outputs(), s.sessions())
                            .follow(session.id(), replayed.lastSeq(), EnumSet.allOf(StreamType.class), ChunkSink.text(live));
                    done.complete(new Result(End.SESSION_ENDED, ended));
                } catch (Throwable e) {
                    done.completeExceptionally(e);
                }
            }, "harness-attach-output");
            output.setDaemon(true);
            output.start();
            Thread input = new Thread(() -> forwardInput(control, session, done), "harness-attach-input");
            input.setDaemon(true);
            input.start();
            try {
                return done.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new IOException(e.getCause().getMessage(), e.getCause());
            } finally {
                live.close();
            }
        } finally {
            restore();
            Signals.on("WINCH", () -> { });
            try {
                Runtime.getRuntime().removeShutdownHook(restoreOnExit);
            } catch (IllegalStateException alreadyExiting) {
                // the hook runs anyway
            }
            if (control != null) {
                control.close();
            }
        }
    }

    private void forwardInput(ControlClient control, Session session, CompletableFuture<Result> done) {
        byte[] buf = new byte[4096];
        try {
            while (!done.isDone()) {
                int n = in.read(buf);
                if (n < 0) {
                    done.complete(new Result(End.DETACHED, session));
                    return;
                }
                int cut = indexOf(buf, n, detachKey);
                int send = cut < 0 ? n : cut;
                if (send > 0 && control != null) {
                    ObjectNode request = control.request(ControlProtocol.OP_SEND).put("session", session.id());
                    request.put("base64", Base64.getEncoder().encodeToString(Arrays.copyOf(buf, send)));
                    synchronized (control) {
                        control.call(request);
                    }
                }
                if (cut >= 0) {
                    done.complete(new Result(End.DETACHED, session));
                    return;
                }
            }
        } catch (Throwable e) {
            // The session may have just ended (send refused): let the output side report that.
            if (!done.isDone()) {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
                done.completeExceptionally(e);
            }
        }
    }

    private static int indexOf(byte[] buf, int n, byte b) {
        for (int i = 0; i < n; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static void resize(ControlClient control, Session session, TerminalSize size) {
        try {
            synchronized (control) {
                control.call(control.request(ControlProtocol.OP_RESIZE).put("session", session.id()).put("size", size.toString()));
            }
        } catch (RuntimeException e) {
            // A session that ended or cannot be resized still shows; the agent keeps its size.
        }
    }

    private synchronized void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void restore() {
        try {
            write(RESET_MODES);
        } catch (IOException ignored) {
            // the terminal is gone; stty below still tries
        }
        terminal.restore();
    }

    /** Stops the live output at once when the attach ends, so nothing is drawn after the restore. */
    private static final class GuardedWriter extends Writer {
        private final Writer target;
        private volatile boolean closed;

        GuardedWriter(Writer target) {
            this.target = target;
        }

        @Override
        public synchronized void write(char[] cbuf, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("attach ended");
            }
            target.write(cbuf, off, len);
        }

        @Override
        public synchronized void flush() throws IOException {
            if (closed) {
                throw new IOException("attach ended");
            }
            target.flush();
        }

        @Override
        public void close() {
            closed = true;
            synchronized (this) {
                try {
                    target.flush();
                } catch (IOException ignored) {
                    // going away
                }
            }
        }
    }
}
