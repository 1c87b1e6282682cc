package dev.agentharness.core.error;

/**
 * The root of every error a user may see. The message is one line that says what is wrong and,
 * where it can, what to do; the CLI prints it as it is and maps the subclass to an exit code.
 */
public class HarnessException extends RuntimeException {
    public HarnessException(String message) {
        super(message);
    }

    public HarnessException(String message, Throwable cause) {
        super(message, cause);
    }
}
