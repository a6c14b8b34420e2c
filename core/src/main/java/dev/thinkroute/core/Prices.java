package dev.thinkroute.core;

/** List prices in USD per one million tokens. Reasoning tokens are billed as output. */
public record Prices(double inputPerMillion, double outputPerMillion) {

    public static final Prices FREE = new Prices(0, 0);

    public Prices {
        if (!(inputPerMillion >= 0) || !(outputPerMillion >= 0)) {
            throw new IllegalArgumentException("prices must be non-negative numbers, got input " + inputPerMillion + ", output " + outputPerMillion);
        }
    }

    /** The USD cost of one call's usage. */
    public double cost(Usage usage) {
        return (usage.inputTokens() * inputPerMillion + usage.outputTokens() * outputPerMillion) / 1_000_000.0;
    }
}
