package dev.agentharness.daemon;

/** The client closed its connection while its request was still waiting; no answer will be sent. */
public class ClientGoneException extends Exception {
    public ClientGoneException() {
        super("client disconnected");
    }
}
