import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;

/**
 * Prints a hyperfine --export-json file as TSV: label, runs, median, min, max, mean, stddev (in
 * milliseconds). Labels come from LABEL=... arguments in the order of the commands.
 *
 * <p>Usage: {@code java HyperTsv FILE LABEL...} (on the harness jar's classpath, for Jackson)
 */
public final class HyperTsv {
    public static void main(String[] args) throws Exception {
        JsonNode results = new ObjectMapper().readTree(new File(args[0])).get("results");
        for (int i = 0; i < results.size(); i++) {
            JsonNode r = results.get(i);
            String label = i + 1 < args.length ? args[i + 1] : r.get("command").asText();
            System.out.printf("%s\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f%n", label, r.get("times").size(),
                    ms(r, "median"), ms(r, "min"), ms(r, "max"), ms(r, "mean"), ms(r, "stddev"));
        }
    }

    private static double ms(JsonNode r, String field) {
        JsonNode v = r.get(field);
        return v == null || v.isNull() ? Double.NaN : v.asDouble() * 1000;
    }
}
