package dev.agentharness.supervisor.notify;

/** Delivers one payload to one place; one implementation per kind of {@link SinkAddress}. */
public interface Sink {
    /**
     * Delivers {@code payload}, blocking for at most the sink's timeout.
     *
     * @return what the other side answered, one short line ("HTTP 204", "exit 0")
     * @throws DeliveryException when it was not delivered; its message is one line, free of secrets
     */
    String deliver(String payload) throws DeliveryException;

    /** A delivery that failed: the message says how, without the sink's secret or the payload. */
    final class DeliveryException extends Exception {
        public DeliveryException(String message) {
            super(message, null, false, false);
        }
    }
}
