package dev.thinkroute.eval.thinking;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.core.route.CascadeTable;
import dev.thinkroute.core.score.JudgeFeatures;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Learns the {@link CascadeTable} a cascade profile serves: per suspicion level of the cheap answer (form checks,
 * agreement with a second sample), how often the cheap and the expensive arm were right, and the α that keeps quality
 * within δ of always escalating at the least cost (AdaptThink's constraint), all on the rows given.
 */
public final class CascadeTables {

    private CascadeTables() {
    }

    /**
     * @param m        outcomes with at least the cheap and expensive arms (complete rows)
     * @param features each query's judge features (from the cheap answer, and the second sample when {@code withSecond})
     */
    public static CascadeTable build(OutcomeMatrix m, Arm cheap, Arm expensive, Map<String, JudgeFeatures> features,
                                     boolean withSecond, double delta, String source) {
        int c = m.armIndex(cheap), e = m.armIndex(expensive), n = m.size();
        int[] level = new int[n];
        Map<Integer, double[]> sums = new TreeMap<>(); // level -> {n, cheap right, expensive right}
        double expensiveCost = 0, always = 0;
        for (int q = 0; q < n; q++) {
            JudgeFeatures f = features.get(m.queryIds().get(q));
            if (f == null) throw new IllegalArgumentException("no judge features for query " + m.queryIds().get(q));
            level[q] = CascadeTable.level(!f.formOk(), withSecond ? f.agree() : null);
            double[] s = sums.computeIfAbsent(level[q], k -> new double[3]);
            s[0]++;
            s[1] += m.score(q, c);
            s[2] += m.score(q, e);
            expensiveCost += m.cost(q, e);
            always += m.score(q, e);
        }
        expensiveCost /= Math.max(1, n);
        always /= Math.max(1, n);
        List<CascadeTable.Level> levels = new ArrayList<>();
        // Laplace smoothing: a level seen a handful of times is not taken at its raw rate.
        sums.forEach((l, s) -> levels.add(new CascadeTable.Level(l, (int) s[0], (s[1] + 1) / (s[0] + 2), (s[2] + 1) / (s[0] + 2))));
        double scale = expensiveCost > 0 ? expensiveCost : 1;
        CascadeTable draft = new CascadeTable(levels, expensiveCost, scale, 0, source);
        // The decisions only change where α crosses a level's gain: try 0 and each of those, keep the largest α
        // (the cheapest cascade) whose quality stays within δ of always escalating.
        List<Double> candidates = new ArrayList<>(List.of(0.0));
        for (CascadeTable.Level l : levels) if (l.gain() > 0) candidates.add(l.gain() * scale / Math.max(expensiveCost, 1e-300));
        double best = 0;
        for (double alpha : candidates) {
            double quality = 0;
            for (int q = 0; q < n; q++) quality += draft.escalate(level[q], alpha) ? m.score(q, e) : m.score(q, c);
            quality /= Math.max(1, n);
            if (quality >= always - delta - 1e-12 && alpha > best) best = alpha;
        }
        return new CascadeTable(levels, expensiveCost, scale, best, source);
    }
}
