package dev.agentharness.service.wire;

import dev.agentharness.core.error.ErrorKind;

import dev.agentharness.core.error.HarnessException;

/** The daemon answered a request with an error; carries its code so the CLI can pick the exit code. */
public class RemoteException extends HarnessException {
    public RemoteException(ErrorKind kind, String message) {
        super(kind, message);
    }
}
