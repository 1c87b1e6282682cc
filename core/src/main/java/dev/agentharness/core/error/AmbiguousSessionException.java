package dev.agentharness.core.error;

import java.util.List;

/** An id prefix that matches more than one session. */
public class AmbiguousSessionException extends HarnessException {
    public AmbiguousSessionException(String prefix, List<String> matches) {
        super(ErrorKind.AMBIGUOUS_SESSION, "session id prefix '" + prefix + "' is ambiguous: it matches " + String.join(", ", matches)
                + "; give more characters");
    }
}
