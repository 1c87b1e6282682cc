package dev.agentharness.core;

/**
 * How much output one session has stored.
 *
 * @param bytes   UTF-8 bytes of the stored text
 * @param chunks  number of chunks
 * @param lastSeq the highest seq stored, 0 when none
 */
public record OutputSize(long bytes, long chunks, long lastSeq) {
    public static final OutputSize EMPTY = new OutputSize(0, 0, 0);
}
