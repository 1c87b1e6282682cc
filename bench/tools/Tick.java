import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Prints "TICK n epochMicros" every PERIOD_MS milliseconds, COUNT times, flushing each line, so that
 * a follower can measure how long a line took from the agent's write to its own read.
 *
 * <p>Usage: {@code java Tick.java COUNT [PERIOD_MS=10] [START_DELAY_MS=1500]}
 */
public final class Tick {
    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        long period = args.length > 1 ? Long.parseLong(args[1]) : 10;
        long delay = args.length > 2 ? Long.parseLong(args[2]) : 1500;
        warmUp();
        Thread.sleep(delay); // lets the follower attach before the first measured line
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        long next = System.nanoTime();
        for (int i = 0; i < count; i++) {
            Instant now = Instant.now();
            long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
            out.write(("TICK " + i + " " + micros + "\n").getBytes(StandardCharsets.US_ASCII));
            next += period * 1_000_000L;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
            }
        }
        out.close();
    }

    /**
     * Runs the line-making code before the first measured line. Cold, the first string
     * concatenation bootstraps invokedynamic (17 to 35 ms, traced: the first line's stamp was taken
     * that long before its write), and the lines behind it leave late in a burst; that was the agent's
     * own start-up, measured as the follower's latency, for every system alike.
     */
    private static void warmUp() {
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            Instant now = Instant.now();
            long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
            sink += ("TICK " + i + " " + micros + "\n").getBytes(StandardCharsets.US_ASCII).length;
        }
        if (sink == 42) {
            System.err.println(); // never: keeps the loop from being optimised away
        }
    }
}
