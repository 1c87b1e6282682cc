package dev.agentharness.core.error;

/**
 * The root of every error a user may see. The message is one line that says what is wrong and,
 * where it can, what to do; every front end shows it as it is and reads its {@link #kind()}'s
 * column of the {@link ErrorKind} table (exit code, socket code, HTTP status, MCP error).
 */
public class HarnessException extends RuntimeException {
    private final ErrorKind kind;

    public HarnessException(String message) {
        this(ErrorKind.ERROR, message);
    }

    public HarnessException(String message, Throwable cause) {
        this(ErrorKind.ERROR, message, cause);
    }

    public HarnessException(ErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public HarnessException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }
}
