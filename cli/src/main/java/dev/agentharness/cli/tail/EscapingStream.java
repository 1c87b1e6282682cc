package dev.agentharness.cli.tail;

import dev.agentharness.core.ControlChars;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * {@code tail --escape}: output with its control characters shown instead of obeyed, as
 * {@code journalctl} shows them, so that an agent's escape sequences (a title change, an OSC 52
 * clipboard write, a {@code \e[6n} query the terminal would answer) cannot reach the terminal.
 * Newlines and tabs are kept. Each write is escaped on its own: the store writes whole chunks, which
 * are cut at character boundaries.
 */
public final class EscapingStream extends FilterOutputStream {
    public EscapingStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(ControlChars.forTerminal(b, off, len));
    }
}
