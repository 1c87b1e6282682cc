package dev.agentharness.store.internal;

/** UTF-8 length without encoding: the {@code bytes} column is filled for every chunk on the hot path. */
final class Utf8 {
    private Utf8() {
    }

    /**
     * The number of bytes {@code s.getBytes(UTF_8)} would produce; an unpaired surrogate counts as
     * one byte because Java's encoder replaces it with {@code '?'}, and so does the driver.
     */
    static int length(CharSequence s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 2; // two chars, four bytes
                i++;
            } else if (!Character.isSurrogate(c)) {
                bytes += 2;
            }
        }
        return bytes;
    }
}
