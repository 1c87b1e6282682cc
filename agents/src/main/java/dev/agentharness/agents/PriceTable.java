package dev.agentharness.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentharness.core.error.HarnessException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Prices per model, in US dollars per million tokens, for agents that report tokens but no cost
 * (Codex, Gemini CLI). Claude Code reports its own cost, which is used as it is.
 *
 * <p>A model is priced by its exact name, else by the longest entry that is a prefix of it
 * followed by {@code -} or {@code .} ({@code gpt-5-codex-2025} by {@code gpt-5-codex}). A model
 * with no entry has no price: its sessions' cost is unknown, never 0.
 *
 * <p>The defaults below are list prices as published by the providers when this was written;
 * {@code prices.json} in the harness home overrides or adds entries:
 * <pre>{"gpt-5": {"input": 1.25, "cacheRead": 0.125, "output": 10}, "my-model": {"input": 1, "output": 2}}</pre>
 * {@code cacheRead} and {@code cacheWrite} default to {@code input}.
 */
public final class PriceTable {

    /**
     * USD per million tokens.
     */
    public record ModelPrice(double input, double output, double cacheRead, double cacheWrite) {
        public ModelPrice {
            if (input < 0 || output < 0 || cacheRead < 0 || cacheWrite < 0) {
                throw new IllegalArgumentException("prices must not be negative");
            }
        }

        public double cost(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens) {
            return (inputTokens * input + outputTokens * output + cacheReadTokens * cacheRead + cacheWriteTokens * cacheWrite)
                    / 1_000_000.0;
        }
    }

    /** The file in the harness home that overrides the defaults. */
    public static final String FILE_NAME = "prices.json";

    private static final Map<String, ModelPrice> DEFAULTS = defaults();

    private final Map<String, ModelPrice> prices;

    private PriceTable(Map<String, ModelPrice> prices) {
        this.prices = Map.copyOf(prices);
    }

    public static PriceTable defaultPrices() {
        return new PriceTable(DEFAULTS);
    }

    /** The defaults with {@code entries} over them. */
    public static PriceTable of(Map<String, ModelPrice> entries) {
        Map<String, ModelPrice> all = new LinkedHashMap<>(DEFAULTS);
        entries.forEach((k, v) -> all.put(k.toLowerCase(Locale.ROOT), v));
        return new PriceTable(all);
    }

    /**
     * The defaults with the entries of {@code file} over them; the defaults alone when there is no
     * such file.
     *
     * @throws HarnessException naming the file and what is wrong with it
     */
    public static PriceTable load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return defaultPrices();
        } catch (IOException e) {
            throw new HarnessException("cannot read " + file + ": " + e.getMessage());
        }
        Map<String, ModelPrice> entries = new LinkedHashMap<>();
        try {
            JsonNode root = new ObjectMapper().readTree(text);
            if (root == null || !root.isObject()) {
                throw new HarnessException(file + " must hold a JSON object of model names to prices");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode p = e.getValue();
                if (!p.isObject() || !p.path("input").isNumber() || !p.path("output").isNumber()) {
                    throw new HarnessException(file + ": the price of '" + e.getKey()
                            + "' needs numbers 'input' and 'output' (USD per million tokens)");
                }
                double input = p.get("input").asDouble();
                entries.put(e.getKey(), new ModelPrice(input, p.get("output").asDouble(),
                        p.path("cacheRead").isNumber() ? p.get("cacheRead").asDouble() : input,
                        p.path("cacheWrite").isNumber() ? p.get("cacheWrite").asDouble() : input));
            }
        } catch (IOException e) {
            throw new HarnessException(file + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        } catch (IllegalArgumentException e) {
            throw new HarnessException(file + ": " + e.getMessage());
        }
        return of(entries);
    }

    public Optional<ModelPrice> priceOf(String model) {
        if (model == null || model.isBlank()) {
            return Optional.empty();
        }
        String m = model.toLowerCase(Locale.ROOT).strip();
        ModelPrice exact = prices.get(m);
        if (exact != null) {
            return Optional.of(exact);
        }
        String best = null;
        for (String key : prices.keySet()) {
            if (m.length() > key.length() && m.startsWith(key) && (m.charAt(key.length()) == '-' || m.charAt(key.length()) == '.')
                    && (best == null || key.length() > best.length())) {
                best = key;
            }
        }
        return best == null ? Optional.empty() : Optional.of(prices.get(best));
    }

    /** The cost of these tokens on {@code model}, or null when the model has no price. */
    public Double cost(String model, long input, long output, long cacheRead, long cacheWrite) {
        return priceOf(model).map(p -> p.cost(input, output, cacheRead, cacheWrite)).orElse(null);
    }

    private static Map<String, ModelPrice> defaults() {
        Map<String, ModelPrice> m = new LinkedHashMap<>();
        // OpenAI (Codex), USD per million tokens: input, output, cached input.
        m.put("gpt-5", new ModelPrice(1.25, 10.00, 0.125, 1.25));
        m.put("gpt-5-codex", new ModelPrice(1.25, 10.00, 0.125, 1.25));
        m.put("gpt-5-mini", new ModelPrice(0.25, 2.00, 0.025, 0.25));
        m.put("gpt-5-nano", new ModelPrice(0.05, 0.40, 0.005, 0.05));
        m.put("gpt-4.1", new ModelPrice(2.00, 8.00, 0.50, 2.00));
        m.put("gpt-4.1-mini", new ModelPrice(0.40, 1.60, 0.10, 0.40));
        m.put("gpt-5-pro", new ModelPrice(15.00, 120.00, 15.00, 15.00));
        m.put("o3", new ModelPrice(2.00, 8.00, 0.50, 2.00));
        m.put("o3-pro", new ModelPrice(20.00, 80.00, 20.00, 20.00));
        m.put("o4-mini", new ModelPrice(1.10, 4.40, 0.275, 1.10));
        // Google (Gemini CLI): the prices for prompts up to 200k tokens.
        m.put("gemini-2.5-pro", new ModelPrice(1.25, 10.00, 0.31, 1.25));
        m.put("gemini-2.5-flash", new ModelPrice(0.30, 2.50, 0.075, 0.30));
        m.put("gemini-2.5-flash-lite", new ModelPrice(0.10, 0.40, 0.025, 0.10));
        // No Anthropic entries: Claude Code reports its own cost.
        return m;
    }
}
