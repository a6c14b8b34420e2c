package dev.thinkroute.learn.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thinkroute.core.metric.OutcomeMatrix;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

class CostModelTest {

    /** Per-token prices of the two arms: {input, output}. */
    private static final double[][] PRICE = {{1.5e-7, 6e-7}, {3e-6, 1.2e-5}};

    /**
     * {@code n} rows, two arms, each cell costing exactly {@code p_in·in + p_out·out} with seeded, varying token counts.
     * Arm 1 writes longer answers (a thinking arm).
     */
    private static OutcomeMatrix priced(int n, long seed) {
        Random r = new Random(seed);
        List<String> ids = new ArrayList<>(), texts = new ArrayList<>();
        double[][] s = new double[n][2], c = new double[n][2], in = new double[n][2], out = new double[n][2];
        for (int q = 0; q < n; q++) {
            ids.add("q" + q);
            texts.add("query " + q);
            for (int a = 0; a < 2; a++) {
                in[q][a] = 20 + r.nextInt(2000);
                out[q][a] = (a == 0 ? 10 : 500) + r.nextInt(a == 0 ? 400 : 4000);
                c[q][a] = PRICE[a][0] * in[q][a] + PRICE[a][1] * out[q][a];
                s[q][a] = r.nextInt(2);
            }
        }
        return new OutcomeMatrix(ids, texts, List.of(Synthetic.CHEAP, Synthetic.STRONG), s, c, in, out);
    }

    private static double meanOut(OutcomeMatrix m, int arm) {
        double sum = 0;
        int n = 0;
        for (int q = 0; q < m.size(); q++) {
            if (!Double.isNaN(m.outputTokens(q, arm))) {
                sum += m.outputTokens(q, arm);
                n++;
            }
        }
        return sum / n;
    }

    @Test
    void recoversPerTokenPricesExactlyFromCostsMadeOfThem() {
        OutcomeMatrix m = priced(60, 1);

        CostModel model = CostModel.fit(m);

        JsonNode json = model.toJson();
        for (int a = 0; a < 2; a++) {
            assertThat(json.get("input_usd_per_token").get(a).asDouble()).as("input price of arm %d", a)
                    .isCloseTo(PRICE[a][0], within(PRICE[a][0] * 1e-9));
            assertThat(json.get("output_usd_per_token").get(a).asDouble()).as("output price of arm %d", a)
                    .isCloseTo(PRICE[a][1], within(PRICE[a][1] * 1e-9));
            assertThat(json.get("expected_output_tokens").get(a).asDouble()).isCloseTo(meanOut(m, a), within(1e-9));
            assertThat(json.get("token_based").get(a).asBoolean()).isTrue();
        }
    }

    @Test
    void predictsInputPriceTimesPromptPlusOutputPriceTimesExpectedOutput() {
        OutcomeMatrix m = priced(60, 2);
        CostModel model = CostModel.fit(m);

        for (double input : new double[]{0, 1, 37, 800, 12_000}) {
            double[] predicted = model.predict(input);
            assertThat(predicted).hasSize(2);
            for (int a = 0; a < 2; a++) {
                double expected = PRICE[a][0] * input + PRICE[a][1] * meanOut(m, a);
                assertThat(predicted[a]).as("arm %d at %s input tokens", a, input).isCloseTo(expected, within(expected * 1e-9));
            }
        }
        // A thinking arm's long answers dominate its price: the strong arm costs far more even for an empty prompt.
        assertThat(model.predict(0)[1]).isGreaterThan(10 * model.predict(0)[0]);
    }

    @Test
    void fallsBackToTheMeanCostWhenTheLogHasNoTokenCounts() {
        OutcomeMatrix m = priced(30, 3);
        OutcomeMatrix noTokens = new OutcomeMatrix(m.queryIds(), m.queries(), m.arms(), matrix(m, true),
                matrix(m, false), Synthetic.nan(30, 2), Synthetic.nan(30, 2));

        CostModel model = CostModel.fit(noTokens);

        for (double input : new double[]{0, 100, 100_000}) {
            assertThat(model.predict(input)[0]).isCloseTo(noTokens.meanCost(0), within(1e-15));
            assertThat(model.predict(input)[1]).isCloseTo(noTokens.meanCost(1), within(1e-15));
        }
        assertThat(model.toJson().get("token_based").get(0).asBoolean()).isFalse();
        assertThat(model.toJson().get("token_based").get(1).asBoolean()).isFalse();
    }

    @Test
    void fallsBackToTheMeanCostWhenTokenCountsNeverVary() {
        // Every call has the same length, so prices cannot be told apart: the prediction must not depend on the prompt.
        int n = 20;
        List<String> ids = new ArrayList<>(), texts = new ArrayList<>();
        double[][] s = new double[n][1], c = new double[n][1], in = new double[n][1], out = new double[n][1];
        for (int q = 0; q < n; q++) {
            ids.add("q" + q);
            texts.add("t" + q);
            in[q][0] = 500;
            out[q][0] = 200;
            c[q][0] = 0.002 + (q % 2 == 0 ? 1e-4 : -1e-4); // a little noise around $0.002
            s[q][0] = 1;
        }
        OutcomeMatrix m = new OutcomeMatrix(ids, texts, List.of(Synthetic.CHEAP), s, c, in, out);

        CostModel model = CostModel.fit(m);

        assertThat(model.predict(5)[0]).isCloseTo(0.002, within(1e-12));
        assertThat(model.predict(50_000)[0]).isCloseTo(0.002, within(1e-12));
        assertThat(model.toJson().get("token_based").get(0).asBoolean()).isFalse();
    }

    @Test
    void rowsWithoutACostAreIgnored() {
        OutcomeMatrix m = priced(40, 4);
        double[][] c = matrix(m, false);
        c[0][0] = Double.NaN;
        c[1][1] = Double.NaN;
        OutcomeMatrix holed = new OutcomeMatrix(m.queryIds(), m.queries(), m.arms(), matrix(m, true), c, tokens(m, true), tokens(m, false));

        CostModel model = CostModel.fit(holed);

        assertThat(model.meanCost()[0]).isCloseTo(holed.meanCost(0), within(1e-15));
        assertThat(model.meanCost()[1]).isCloseTo(holed.meanCost(1), within(1e-15));
        JsonNode json = model.toJson();
        assertThat(json.get("input_usd_per_token").get(1).asDouble()).isCloseTo(PRICE[1][0], within(PRICE[1][0] * 1e-9));
    }

    /**
     * Some calls in a log lack token counts (an importer that could not read them) while their cost is known. The
     * prices are still recoverable from the rows that have tokens, and the expected output length is the mean over
     * the rows that report one.
     */
    @Test
    void expectedOutputIsTheMeanOverRowsThatReportTokens() {
        OutcomeMatrix m = priced(40, 5);
        double[][] in = tokens(m, true), out = tokens(m, false);
        for (int q = 0; q < m.size(); q += 2) {
            in[q][1] = Double.NaN;
            out[q][1] = Double.NaN;
        }
        OutcomeMatrix partial = new OutcomeMatrix(m.queryIds(), m.queries(), m.arms(), matrix(m, true), matrix(m, false), in, out);

        CostModel model = CostModel.fit(partial);

        assertThat(model.toJson().get("expected_output_tokens").get(1).asDouble())
                .as("E[output] of arm 1 over the 20 rows that report tokens").isCloseTo(meanOut(partial, 1), within(1e-9));
        double expected = PRICE[1][0] * 300 + PRICE[1][1] * meanOut(partial, 1);
        assertThat(model.predict(300)[1]).isCloseTo(expected, within(expected * 1e-6));
    }

    @Test
    void costScaleIsTheMeanCostOfTheMostExpensiveArm() {
        OutcomeMatrix m = priced(30, 6);

        CostModel model = CostModel.fit(m);

        assertThat(model.costScale()).isEqualTo(Math.max(model.meanCost()[0], model.meanCost()[1]));
        assertThat(model.costScale()).isCloseTo(m.meanCost(1), within(1e-15));
        assertThat(Synthetic.flatCosts(0.003, 0.02, 0.007).costScale()).isEqualTo(0.02);
        // Free arms only: the scale must stay positive for the policy.
        assertThat(Synthetic.flatCosts(0, 0).costScale()).isEqualTo(1.0);
    }

    @Test
    void jsonRoundTripPredictsTheSame() throws Exception {
        OutcomeMatrix m = priced(50, 7);
        CostModel model = CostModel.fit(m);

        String text = new ObjectMapper().writeValueAsString(model.toJson());
        CostModel back = CostModel.fromJson(new ObjectMapper().readTree(text));

        assertThat(back.armCount()).isEqualTo(2);
        assertThat(back.meanCost()).containsExactly(model.meanCost());
        assertThat(back.costScale()).isEqualTo(model.costScale());
        for (double input : new double[]{0, 3, 250, 9_999}) assertThat(back.predict(input)).containsExactly(model.predict(input));
        assertThat(back.toJson()).isEqualTo(model.toJson());
    }

    @Test
    void meanCostIsACopy() {
        CostModel model = Synthetic.flatCosts(0.001, 0.01);
        model.meanCost()[0] = 99;
        assertThat(model.meanCost()).containsExactly(0.001, 0.01);
        assertThat(model.predict(10)).containsExactly(0.001, 0.01);
    }

    @Test
    void rejectsColumnsOfDifferentLengths() {
        assertThatThrownBy(() -> new CostModel(new double[2], new double[2], new double[2], new double[3], new boolean[2]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one value per arm");
    }

    private static double[][] matrix(OutcomeMatrix m, boolean score) {
        double[][] v = new double[m.size()][m.armCount()];
        for (int q = 0; q < m.size(); q++) for (int a = 0; a < m.armCount(); a++) v[q][a] = score ? m.score(q, a) : m.cost(q, a);
        return v;
    }

    private static double[][] tokens(OutcomeMatrix m, boolean input) {
        double[][] v = new double[m.size()][m.armCount()];
        for (int q = 0; q < m.size(); q++) {
            for (int a = 0; a < m.armCount(); a++) v[q][a] = input ? m.inputTokens(q, a) : m.outputTokens(q, a);
        }
        return v;
    }
}
