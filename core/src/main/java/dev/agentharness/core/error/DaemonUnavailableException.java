package dev.agentharness.core.error;

/** The command needs the daemon and none answers on the control socket. */
public class DaemonUnavailableException extends HarnessException {
    public DaemonUnavailableException(String message) {
        super(ErrorKind.DAEMON_UNAVAILABLE, message);
    }

    public DaemonUnavailableException(String message, Throwable cause) {
        super(ErrorKind.DAEMON_UNAVAILABLE, message, cause);
    }
}
