package dev.agentharness.cli.tail;

import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.StreamType;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;

/** Where a follower puts the chunks it reads: their bytes, exactly, on one stream or on two. */
public interface ChunkSink {
    void write(OutputChunk chunk) throws IOException;

    void flush() throws IOException;

    /** Every chunk to {@code out}, both streams in arrival order (what {@code tail} prints). */
    static ChunkSink to(OutputStream out) {
        return split(out, out);
    }

    /**
     * Every chunk as text to {@code out}, decoded leniently (what is not UTF-8 shows as U+FFFD): for
     * a writer that renders text rather than replaying bytes.
     */
    static ChunkSink text(Writer out) {
        return new ChunkSink() {
            @Override
            public void write(OutputChunk chunk) throws IOException {
                out.write(chunk.text());
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }
        };
    }

    /**
     * The agent's stdout to {@code out} and its stderr to {@code err}, as {@code docker run} keeps
     * them: {@code harness run ... 2>/dev/null} then drops what the agent wrote to stderr.
     */
    static ChunkSink split(OutputStream out, OutputStream err) {
        return new ChunkSink() {
            @Override
            public void write(OutputChunk chunk) throws IOException {
                (chunk.stream() == StreamType.STDERR ? err : out).write(chunk.data());
            }

            @Override
            public void flush() throws IOException {
                out.flush();
                if (err != out) {
                    err.flush();
                }
            }
        };
    }
}
