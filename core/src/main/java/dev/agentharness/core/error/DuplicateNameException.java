package dev.agentharness.core.error;

/** A session name that another stored session already has. */
public class DuplicateNameException extends HarnessException {
    public DuplicateNameException(String name) {
        super(ErrorKind.DUPLICATE_NAME, "a session named '" + name + "' already exists; pick another name or purge the old session");
    }
}
