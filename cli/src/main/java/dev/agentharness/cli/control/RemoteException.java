package dev.agentharness.cli.control;

import dev.agentharness.core.error.HarnessException;

/** The daemon answered a request with an error; carries its code so the CLI can pick the exit code. */
public class RemoteException extends HarnessException {
    private final ErrorCode code;

    public RemoteException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
