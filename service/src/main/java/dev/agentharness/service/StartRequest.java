package dev.agentharness.service;

import dev.agentharness.core.SessionSpec;
import java.util.Objects;

/**
 * @param spec          what to run; its run id, when null, becomes the active run's
 * @param queueWhenFull when every slot is busy: wait in the start queue (true) or fail with
 *                      {@link dev.agentharness.core.error.NoFreeSlotException} (false)
 */
public record StartRequest(SessionSpec spec, boolean queueWhenFull) {
    public StartRequest {
        Objects.requireNonNull(spec, "spec");
    }

    public static StartRequest now(SessionSpec spec) {
        return new StartRequest(spec, false);
    }
}
