package dev.thinkroute.core.metric;

import dev.thinkroute.core.Arm;

import java.util.ArrayList;
import java.util.List;

/** Hand-made outcome tables for the metric tests. */
final class Tables {

    private Tables() {
    }

    static final Arm SMALL_OFF = Arm.parse("small:off");
    static final Arm SMALL_ON = Arm.parse("small:on");
    static final Arm BIG_HIGH = Arm.parse("big:high");

    /**
     * 4 queries × 3 arms, arms already cheapest first (mean costs 1.25, 3.25, 8).
     * <pre>
     *        score           cost           oracle (best score, then cheapest in the row)
     * q0   1    1    1     1   3  10        arm 0 (all correct, arm 0 cheapest)
     * q1   0    1    1     1   4  10        arm 1
     * q2   0    0    1     2   3   9        arm 2 (only one correct)
     * q3   0   .5   .5     1   3   3        arm 1 (arms 1 and 2 tie on score and cost: lower index)
     * </pre>
     * Input tokens are 10·(row+1) everywhere; output tokens 5, 50, 100 per arm.
     */
    static OutcomeMatrix fourByThree() {
        double[][] score = {{1, 1, 1}, {0, 1, 1}, {0, 0, 1}, {0, .5, .5}};
        double[][] cost = {{1, 3, 10}, {1, 4, 10}, {2, 3, 9}, {1, 3, 3}};
        double[][] in = new double[4][3], out = new double[4][3];
        for (int q = 0; q < 4; q++) {
            for (int a = 0; a < 3; a++) {
                in[q][a] = 10 * (q + 1);
                out[q][a] = new double[] {5, 50, 100}[a];
            }
        }
        return table(List.of(SMALL_OFF, SMALL_ON, BIG_HIGH), score, cost, in, out);
    }

    static OutcomeMatrix table(List<Arm> arms, double[][] score, double[][] cost) {
        double[][] tokens = new double[score.length][arms.size()];
        return table(arms, score, cost, tokens, tokens);
    }

    static OutcomeMatrix table(List<Arm> arms, double[][] score, double[][] cost, double[][] in, double[][] out) {
        List<String> ids = new ArrayList<>();
        for (int q = 0; q < score.length; q++) ids.add("q" + q);
        return new OutcomeMatrix(ids, ids, arms, score, cost, in, out);
    }
}
