package dev.agentharness.core.error;

/** No session matches the id, id prefix or name the user gave. */
public class NoSuchSessionException extends HarnessException {
    public NoSuchSessionException(String reference) {
        super("no such session: " + reference);
    }
}
