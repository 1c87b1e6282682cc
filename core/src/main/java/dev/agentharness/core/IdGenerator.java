package dev.agentharness.core;

/** Makes the ids of sessions and runs. A seam so that tests can make predictable ones. */
@FunctionalInterface
public interface IdGenerator {
    /** A new id, unique, and greater than every id this generator made before. */
    String newId();
}
