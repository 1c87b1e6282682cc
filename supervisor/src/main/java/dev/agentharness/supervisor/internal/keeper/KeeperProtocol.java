package dev.agentharness.supervisor.internal.keeper;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * The keeper socket's frames: {@code [type:u8][length:u32][payload]}. The keeper speaks first with
 * {@link #HELLO}, whose payload starts with the protocol version, so that any daemon can read at
 * least that much and refuse in one line a keeper it does not understand.
 */
public final class KeeperProtocol {
    /**
     * 2: signals travel as {@link #SIGNAL} frames, and input is acknowledged ({@link #INPUT_TAKEN}). A daemon still understands keepers of version
     * {@link #OLDEST_VERSION} (started by an older build and kept across an upgrade): it signals their
     * agents' groups itself, as before.
     */
    public static final int VERSION = 2;
    /** The oldest keeper protocol this daemon still serves. */
    public static final int OLDEST_VERSION = 1;
    /** No frame is bigger; stdin larger than this is sent in pieces. */
    public static final int MAX_FRAME = 1 << 20;

    // keeper -> daemon
    /** version:int, keeperPid:long, keeperStart:long, agentPid:int, agentStart:long (-1: unknown), detachedAtMillis:long (0: never), spawnError:UTF ("" none). */
    public static final byte HELLO = 1;
    /** the newest bytes of output (at most 4 KiB), sent at most every 50 ms while output arrives */
    public static final byte ACTIVITY = 2;
    /** code:int, signal:int (-1: none), exact:bool; the main process exited (output may still follow) */
    public static final byte EXITED = 3;
    /** all output is committed and the exit record written; stderrHead:UTF */
    public static final byte DRAINED = 4;
    /**
     * (empty) since version 2: the agent has taken the bytes of the oldest STDIN frame not yet
     * acknowledged (or they were dropped: stdin closed, the agent ended). The keeper reads frames
     * ahead meanwhile, so that signals and resizes never wait behind input.
     */
    public static final byte INPUT_TAKEN = 6;
    /**
     * received:bool, since version 2: the answer to each {@link #SIGNAL}, in order; false when nothing
     * was left in the agent's group to receive it (the agent ended, or never ran) or the signal is not
     * one the keeper sends.
     */
    public static final byte SIGNALLED = 7;
    /**
     * (empty) output was committed since the last such frame: the daemon reads it from the store
     * and pushes it to live followers. A daemon that does not know this frame ignores it (it
     * came within version 1).
     */
    public static final byte COMMITTED = 5;

    // daemon -> keeper
    public static final byte STDIN = 10;
    public static final byte CLOSE_STDIN = 11;
    /** cols:int, rows:int */
    public static final byte RESIZE = 12;
    /** the terminal status is stored and the exit record deleted: the keeper may go */
    public static final byte ACK_EXIT = 13;
    /** to a spare keeper: sessionId:UTF; the spare becomes that session's keeper */
    public static final byte ADOPT = 14;
    /**
     * signal:int (Linux number: TERM, KILL, STOP or CONT), since version 2: the keeper sends it to its
     * agent's process group and answers {@link #SIGNALLED}. The keeper is the agent's parent: until it
     * has reaped the agent, the pid (and so the group id) cannot have been recycled, which a daemon can
     * only approximate with pid and start time; after that, only a group that still has members
     * started no earlier than the agent is signalled.
     */
    public static final byte SIGNAL = 15;

    private KeeperProtocol() {
    }

    public record Frame(byte type, byte[] payload) {
    }

    public static void write(DataOutputStream out, byte type, byte[] payload) throws IOException {
        synchronized (out) {
            out.writeByte(type);
            out.writeInt(payload.length);
            out.write(payload);
            out.flush();
        }
    }

    /** @return null at a clean end of stream */
    public static Frame read(DataInputStream in) throws IOException {
        int type;
        try {
            type = in.readUnsignedByte();
        } catch (EOFException e) {
            return null;
        }
        int length = in.readInt();
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException("bad keeper frame length " + length);
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new Frame((byte) type, payload);
    }
}
