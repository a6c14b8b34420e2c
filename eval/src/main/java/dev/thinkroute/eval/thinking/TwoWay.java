package dev.thinkroute.eval.thinking;

import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.learn.train.AlphaSweep;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A two-way decision per query, with the real outcome and spend of each way: the cheap path (answer without thinking,
 * or a cascade's first call) and the expensive path (think, or escalate). A router is a score per query and a
 * threshold: escalate iff {@code score > threshold}; sweeping the threshold over every distinct score traces its
 * whole frontier exactly.
 *
 * <p>For a trigger the paths are the two arms' cells. For a cascade the cheap path is the cheap call (plus, when the
 * judge reads a second cheap sample, that call too) and the expensive path costs the cheap path <em>and</em> the
 * expensive call: an escalated query has paid for both.
 */
public record TwoWay(double[] lowScore, double[] lowCost, double[] lowTokens,
                     double[] highScore, double[] highCost, double[] highTokens) {

    /**
     * What a setting gives on the rows.
     *
     * @param threshold escalate iff score > threshold
     * @param rate      share of rows sent the expensive way (thinking rate, or escalation rate)
     * @param quality   mean score
     * @param meanCost  mean USD per query, every call counted
     * @param meanTokens mean tokens (prompt + generated, every call counted)
     */
    public record Point(double threshold, double rate, double quality, double meanCost, double meanTokens) {
        /** As an {@link AlphaSweep.Point} of a two-arm table (arm 0 cheap, arm 1 expensive), α = the threshold. */
        public AlphaSweep.Point asSweepPoint() {
            return new AlphaSweep.Point(threshold, quality, meanCost, new double[]{1 - rate, rate});
        }
    }

    public TwoWay {
        int n = lowScore.length;
        if (lowCost.length != n || lowTokens.length != n || highScore.length != n || highCost.length != n || highTokens.length != n) {
            throw new IllegalArgumentException("every column needs one value per row");
        }
    }

    public int size() {
        return lowScore.length;
    }

    /** A thinking trigger over one model's two arms: cheap = {@code off}'s cell, expensive = {@code on}'s. */
    public static TwoWay trigger(OutcomeMatrix m, int off, int on) {
        int n = m.size();
        double[] ls = new double[n], lc = new double[n], lt = new double[n], hs = new double[n], hc = new double[n], ht = new double[n];
        for (int q = 0; q < n; q++) {
            ls[q] = m.score(q, off);
            lc[q] = m.cost(q, off);
            lt[q] = tokens(m, q, off);
            hs[q] = m.score(q, on);
            hc[q] = m.cost(q, on);
            ht[q] = tokens(m, q, on);
        }
        return new TwoWay(ls, lc, lt, hs, hc, ht);
    }

    /**
     * A cascade: always call {@code cheap} (and {@code second}, a second cheap sample for the judge, when ≥ 0), answer
     * with {@code cheap}'s answer, or escalate to {@code expensive} and answer with its answer, having paid for all.
     */
    public static TwoWay cascade(OutcomeMatrix m, int cheap, int second, int expensive) {
        int n = m.size();
        double[] ls = new double[n], lc = new double[n], lt = new double[n], hs = new double[n], hc = new double[n], ht = new double[n];
        for (int q = 0; q < n; q++) {
            double baseCost = m.cost(q, cheap) + (second >= 0 ? m.cost(q, second) : 0);
            double baseTokens = tokens(m, q, cheap) + (second >= 0 ? tokens(m, q, second) : 0);
            ls[q] = m.score(q, cheap);
            lc[q] = baseCost;
            lt[q] = baseTokens;
            hs[q] = m.score(q, expensive);
            hc[q] = baseCost + m.cost(q, expensive);
            ht[q] = baseTokens + tokens(m, q, expensive);
        }
        return new TwoWay(ls, lc, lt, hs, hc, ht);
    }

    private static double tokens(OutcomeMatrix m, int q, int a) {
        double in = m.inputTokens(q, a), out = m.outputTokens(q, a);
        return (Double.isNaN(in) ? 0 : in) + (Double.isNaN(out) ? 0 : out);
    }

    /** The given rows, in that order. */
    public TwoWay rows(int[] rows) {
        return new TwoWay(pick(lowScore, rows), pick(lowCost, rows), pick(lowTokens, rows), pick(highScore, rows),
                pick(highCost, rows), pick(highTokens, rows));
    }

    private static double[] pick(double[] v, int[] rows) {
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) out[i] = v[rows[i]];
        return out;
    }

    /** The outcome of escalating exactly the rows marked. */
    public Point of(boolean[] escalate, double threshold) {
        int n = size();
        if (escalate.length != n) throw new IllegalArgumentException("one decision per row");
        double q = 0, c = 0, t = 0;
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (escalate[i]) {
                k++;
                q += highScore[i];
                c += highCost[i];
                t += highTokens[i];
            } else {
                q += lowScore[i];
                c += lowCost[i];
                t += lowTokens[i];
            }
        }
        double d = Math.max(1, n);
        return new Point(threshold, k / d, q / d, c / d, t / d);
    }

    /** Escalate iff {@code score > threshold}. */
    public Point at(double[] score, double threshold) {
        boolean[] e = new boolean[size()];
        for (int i = 0; i < e.length; i++) e[i] = score[i] > threshold;
        return of(e, threshold);
    }

    /** Never escalate. */
    public Point never() {
        return of(new boolean[size()], Double.MAX_VALUE);
    }

    /** Always escalate. */
    public Point always() {
        boolean[] e = new boolean[size()];
        Arrays.fill(e, true);
        return of(e, -Double.MAX_VALUE);
    }

    /**
     * Every distinct setting of the threshold, from escalating nothing to escalating everything: thresholds halfway
     * between neighbouring distinct scores (so they carry over to other rows), the last one below every score.
     */
    public List<Point> sweep(double[] score) {
        int n = size();
        if (score.length != n) throw new IllegalArgumentException("one score per row");
        double[] sorted = Arrays.stream(score).distinct().sorted().toArray();
        List<Point> points = new ArrayList<>(sorted.length + 1);
        double top = sorted.length == 0 ? 0 : sorted[sorted.length - 1];
        points.add(at(score, top + Math.max(1, Math.abs(top))));
        // Walk down incrementally: escalate rows in descending score, one group of equal scores at a time.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        double q = 0, c = 0, t = 0;
        for (int i = 0; i < n; i++) {
            q += lowScore[i];
            c += lowCost[i];
            t += lowTokens[i];
        }
        int k = 0, i = 0;
        double d = Math.max(1, n);
        while (i < n) {
            int j = i;
            double v = score[order[i]];
            while (j < n && score[order[j]] == v) {
                int r = order[j];
                q += highScore[r] - lowScore[r];
                c += highCost[r] - lowCost[r];
                t += highTokens[r] - lowTokens[r];
                k++;
                j++;
            }
            double threshold = j < n ? (v + score[order[j]]) / 2 : v - Math.max(1, Math.abs(v));
            points.add(new Point(threshold, k / d, q / d, c / d, t / d));
            i = j;
        }
        return points;
    }

    /**
     * AdaptThink's constraint: among {@code sweep}, the cheapest point whose quality is at least {@code floor}
     * (ties: the better quality); {@code null} when none reaches it.
     */
    public static Point cheapestAtLeast(List<Point> sweep, double floor) {
        Point best = null;
        for (Point p : sweep) {
            if (p.quality() >= floor - 1e-12 && (best == null || p.meanCost() < best.meanCost()
                    || (p.meanCost() == best.meanCost() && p.quality() > best.quality()))) best = p;
        }
        return best;
    }

    /** The points not dominated in (rate ↓, quality ↑), by rate: AdaCoT's trigger-rate–quality Pareto curve. */
    public static List<Point> pareto(List<Point> sweep) {
        List<Point> sorted = new ArrayList<>(sweep);
        sorted.sort((a, b) -> a.rate() != b.rate() ? Double.compare(a.rate(), b.rate()) : Double.compare(b.quality(), a.quality()));
        List<Point> out = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (Point p : sorted) {
            if (p.quality() > best + 1e-12) {
                out.add(p);
                best = p.quality();
            }
        }
        return out;
    }
}
