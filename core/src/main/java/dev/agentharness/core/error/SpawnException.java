package dev.agentharness.core.error;

/** An agent could not be started: no such executable, a cwd that is not a directory, no permission. */
public class SpawnException extends HarnessException {
    public SpawnException(String message) {
        super(ErrorKind.SPAWN_FAILED, message);
    }
}
