package dev.agentharness.service.wire;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import jdk.net.ExtendedSocketOptions;

/**
 * Who is at the other end of a connected Unix socket, as the kernel says ({@code SO_PEERCRED}),
 * compared with the user this process runs as.
 *
 * <p>Why: file modes and an owner check on the home are checked before the socket is used, and a
 * path can change in between. The peer's credentials are taken by the kernel when the connection is
 * made, so checking them after connecting (before sending anything) and after accepting closes that
 * race for the socket. The JDK reads them itself ({@link ExtendedSocketOptions#SO_PEERCRED}, Linux and
 * macOS since 16), so this needs neither JNA nor the channel's file descriptor.
 */
public final class PeerCredentials {
    private PeerCredentials() {
    }

    /** The user this process runs as: the owner of its {@code /proc} entry, which is its effective uid. */
    public static UserPrincipal self() throws IOException {
        return Files.getOwner(Path.of("/proc/self"));
    }

    /** The user of the process at the other end of {@code channel}, as of when it connected. */
    public static UserPrincipal peer(SocketChannel channel) throws IOException {
        return channel.getOption(ExtendedSocketOptions.SO_PEERCRED).user();
    }

    /**
     * Null when the peer runs as this process's user; else a sentence saying who it is. Anything that
     * keeps us from knowing counts as a stranger.
     */
    public static String strangerOrNull(SocketChannel channel) {
        try {
            UserPrincipal peer = peer(channel);
            UserPrincipal me = self();
            return peer.equals(me) ? null : "it runs as user " + peer.getName() + ", not " + me.getName();
        } catch (IOException | UnsupportedOperationException e) {
            return "its user cannot be checked (" + e.getMessage() + ")";
        }
    }
}
