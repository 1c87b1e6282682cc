package dev.agentharness.core;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Random;

/**
 * ULIDs: 48 bits of milliseconds then 80 random bits, in Crockford base32, 26 characters. They sort
 * by creation time as plain strings, which is what {@code ORDER BY id} and prefix lookups rely on.
 *
 * <p>Monotonic within a millisecond: a second id in the same millisecond increments the random part
 * instead of drawing a new one, so ids made by one generator always increase.
 */
public final class UlidGenerator implements IdGenerator {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private final Clock clock;
    private final Random random;
    private long lastMillis = -1;
    private long randomHigh; // 16 bits
    private long randomLow;  // 64 bits

    public UlidGenerator(Clock clock) {
        this(clock, new SecureRandom());
    }

    public UlidGenerator(Clock clock, Random random) {
        this.clock = clock;
        this.random = random;
    }

    @Override
    public synchronized String newId() {
        long now = clock.millis();
        if (now <= lastMillis) {
            now = lastMillis;
            randomLow++;
            if (randomLow == 0) {
                randomHigh = (randomHigh + 1) & 0xFFFF;
                if (randomHigh == 0) {
                    // 80 bits exhausted inside one millisecond: borrow the next millisecond.
                    now++;
                }
            }
        } else {
            randomHigh = random.nextInt(1 << 16);
            randomLow = random.nextLong();
        }
        lastMillis = now;
        return encode(now, randomHigh, randomLow);
    }

    static String encode(long millis, long high16, long low64) {
        char[] out = new char[26];
        // 10 chars of time (50 bits, top 2 always zero for 48-bit time).
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
        // 16 chars of randomness: 80 bits = high16 followed by low64.
        for (int i = 25; i >= 10; i--) {
            out[i] = ALPHABET[(int) (low64 & 31)];
            low64 = (low64 >>> 5) | ((high16 & 31) << 59);
            high16 >>>= 5;
        }
        return new String(out);
    }
}
