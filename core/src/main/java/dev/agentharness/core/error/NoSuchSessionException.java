package dev.agentharness.core.error;

/** No session matches the id, id prefix or name the user gave. */
public class NoSuchSessionException extends HarnessException {
    public NoSuchSessionException(String reference) {
        super(ErrorKind.NO_SUCH_SESSION, "no such session: " + reference);
    }
}
