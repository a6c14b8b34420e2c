package dev.thinkroute.learn.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.metric.OutcomeMatrix;

/**
 * Predicts the cost of each arm for a query of a given prompt length.
 *
 * <p>Per arm, from the training outcomes: when the log has token counts that vary, the per-token prices are
 * recovered by least squares ({@code cost ≈ p_in·input + p_out·output}, no intercept, clamped at 0) and the arm's
 * expected output tokens are its mean output length, so the prediction is {@code p_in·input + p_out·E[output]}: a
 * thinking arm that writes 2,000 tokens costs what those tokens cost. When the tokens cannot explain the costs (no
 * token counts, or a fit that misses them), the prediction falls back to the arm's mean cost.
 */
public final class CostModel {

    private final double[] inputPrice;
    private final double[] outputPrice;
    private final double[] expectedOutput;
    private final double[] meanCost;
    private final boolean[] tokenBased;

    public CostModel(double[] inputPrice, double[] outputPrice, double[] expectedOutput, double[] meanCost, boolean[] tokenBased) {
        int k = meanCost.length;
        if (inputPrice.length != k || outputPrice.length != k || expectedOutput.length != k || tokenBased.length != k) {
            throw new IllegalArgumentException("one value per arm in every cost-model column");
        }
        this.inputPrice = inputPrice.clone();
        this.outputPrice = outputPrice.clone();
        this.expectedOutput = expectedOutput.clone();
        this.meanCost = meanCost.clone();
        this.tokenBased = tokenBased.clone();
    }

    /** Fits one cost model per arm from the training rows. */
    public static CostModel fit(OutcomeMatrix train) {
        int k = train.armCount();
        double[] pin = new double[k], pout = new double[k], eout = new double[k], mean = new double[k];
        boolean[] tokens = new boolean[k];
        for (int a = 0; a < k; a++) {
            double sii = 0, soo = 0, sio = 0, sic = 0, soc = 0, sumOut = 0, sumCost = 0;
            int n = 0, withTokens = 0;
            double costWithTokens = 0;
            for (int q = 0; q < train.size(); q++) {
                double c = train.cost(q, a), in = train.inputTokens(q, a), out = train.outputTokens(q, a);
                if (Double.isNaN(c)) continue;
                sumCost += c;
                n++;
                if (Double.isNaN(in) || Double.isNaN(out)) continue;
                sii += in * in;
                soo += out * out;
                sio += in * out;
                sic += in * c;
                soc += out * c;
                sumOut += out;
                costWithTokens += c;
                withTokens++;
            }
            mean[a] = n == 0 ? 0 : sumCost / n;
            // The mean over the rows that report tokens: rows without them say nothing about output length.
            eout[a] = withTokens == 0 ? 0 : sumOut / withTokens;
            double det = sii * soo - sio * sio;
            if (withTokens >= 2 && det > 1e-9 * Math.max(1, sii * soo)) {
                double a1 = (sic * soo - soc * sio) / det;
                double a2 = (soc * sii - sic * sio) / det;
                pin[a] = Math.max(0, a1);
                pout[a] = Math.max(0, a2);
                // Trust the prices only where they reproduce the mean cost of the same rows (within 10%).
                double predictedMean = 0;
                int m = 0;
                for (int q = 0; q < train.size(); q++) {
                    double in = train.inputTokens(q, a);
                    if (Double.isNaN(train.cost(q, a)) || Double.isNaN(in)) continue;
                    predictedMean += pin[a] * in + pout[a] * eout[a];
                    m++;
                }
                predictedMean = m == 0 ? 0 : predictedMean / m;
                double actualMean = costWithTokens / withTokens;
                tokens[a] = actualMean > 0 && Math.abs(predictedMean - actualMean) <= 0.1 * actualMean;
            }
        }
        return new CostModel(pin, pout, eout, mean, tokens);
    }

    public int armCount() {
        return meanCost.length;
    }

    /** Predicted USD cost of each arm for a prompt of {@code inputTokens} tokens. */
    public double[] predict(double inputTokens) {
        double[] c = new double[meanCost.length];
        for (int a = 0; a < c.length; a++) {
            c[a] = tokenBased[a] ? inputPrice[a] * inputTokens + outputPrice[a] * expectedOutput[a] : meanCost[a];
        }
        return c;
    }

    /** The mean training cost of each arm. */
    public double[] meanCost() {
        return meanCost.clone();
    }

    /** The cost that counts as 1 for the policy: the mean cost of the most expensive arm. */
    public double costScale() {
        double max = 0;
        for (double c : meanCost) max = Math.max(max, c);
        return max > 0 ? max : 1;
    }

    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.set("input_usd_per_token", array(f, inputPrice));
        o.set("output_usd_per_token", array(f, outputPrice));
        o.set("expected_output_tokens", array(f, expectedOutput));
        o.set("mean_cost_usd", array(f, meanCost));
        ArrayNode tb = o.putArray("token_based");
        for (boolean b : tokenBased) tb.add(b);
        return o;
    }

    public static CostModel fromJson(JsonNode o) {
        JsonNode tb = o.path("token_based");
        boolean[] tokens = new boolean[tb.size()];
        for (int i = 0; i < tokens.length; i++) tokens[i] = tb.get(i).asBoolean();
        return new CostModel(doubles(o.path("input_usd_per_token")), doubles(o.path("output_usd_per_token")),
                doubles(o.path("expected_output_tokens")), doubles(o.path("mean_cost_usd")), tokens);
    }

    private static ArrayNode array(JsonNodeFactory f, double[] values) {
        ArrayNode a = f.arrayNode();
        for (double v : values) a.add(v);
        return a;
    }

    private static double[] doubles(JsonNode a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) d[i] = a.get(i).asDouble();
        return d;
    }
}
