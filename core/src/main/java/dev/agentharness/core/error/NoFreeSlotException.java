package dev.agentharness.core.error;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * No slot can be claimed: either all are busy, or the one asked for is. The message names who holds
 * them, e.g. "all 3 slots are busy (1: build-api, 2: 01J…, 3: docs)".
 */
public class NoFreeSlotException extends HarnessException {
    private final SortedMap<Integer, String> occupants;
    private final Integer requestedSlot;

    /**
     * @param occupants     slot to the label (name or id) of the session holding it
     * @param requestedSlot the slot asked for, or null when any slot would do
     */
    public NoFreeSlotException(Map<Integer, String> occupants, Integer requestedSlot) {
        super(ErrorKind.NO_FREE_SLOT, message(occupants, requestedSlot));
        this.occupants = Collections.unmodifiableSortedMap(new TreeMap<>(occupants));
        this.requestedSlot = requestedSlot;
    }

    public SortedMap<Integer, String> occupants() {
        return occupants;
    }

    public Integer requestedSlot() {
        return requestedSlot;
    }

    private static String message(Map<Integer, String> occupants, Integer requestedSlot) {
        if (requestedSlot != null) {
            return "slot " + requestedSlot + " is busy (" + occupants.getOrDefault(requestedSlot, "another session") + ")";
        }
        String who = new TreeMap<>(occupants).entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining(", "));
        return "all " + occupants.size() + " slots are busy (" + who + ")";
    }
}
