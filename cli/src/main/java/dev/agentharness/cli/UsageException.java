package dev.agentharness.cli;

import dev.agentharness.core.error.HarnessException;

/** The command line itself is wrong (a value, a combination of options): exit code 2. */
public class UsageException extends HarnessException {
    public UsageException(String message) {
        super(message);
    }
}
