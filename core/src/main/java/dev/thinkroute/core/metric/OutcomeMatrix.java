package dev.thinkroute.core.metric;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Outcome;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Outcomes arranged as a query × arm table: what every router evaluation and every trainer reads. Row {@code q} is
 * one query, column {@code a} one arm; a cell the log does not hold is {@code NaN}. Arms are ordered by mean cost,
 * cheapest first, so the last arm is the most expensive.
 */
public final class OutcomeMatrix {

    private final List<String> queryIds;
    private final List<String> queries;
    private final List<Arm> arms;
    private final double[][] score;
    private final double[][] cost;
    private final double[][] inputTokens;
    private final double[][] outputTokens;

    /**
     * @param score        quality in [0, 1] per query and arm, {@code NaN} where unknown
     * @param cost         USD per query and arm, {@code NaN} where unknown
     * @param inputTokens  prompt tokens per query and arm, {@code NaN} where unknown
     * @param outputTokens generated tokens (reasoning included) per query and arm, {@code NaN} where unknown
     */
    public OutcomeMatrix(List<String> queryIds, List<String> queries, List<Arm> arms,
                         double[][] score, double[][] cost, double[][] inputTokens, double[][] outputTokens) {
        this.queryIds = List.copyOf(queryIds);
        this.queries = List.copyOf(queries);
        this.arms = List.copyOf(arms);
        int n = queryIds.size();
        if (queries.size() != n || score.length != n || cost.length != n || inputTokens.length != n || outputTokens.length != n) {
            throw new IllegalArgumentException("every column of the outcome matrix needs one row per query (" + n + ")");
        }
        this.score = score;
        this.cost = cost;
        this.inputTokens = inputTokens;
        this.outputTokens = outputTokens;
    }

    /**
     * Groups outcomes by query id. A (query, arm) pair seen twice keeps the mean of its scores and costs, so
     * repeated measurements count once. Arms are sorted by mean cost, ascending (ties by label).
     */
    public static OutcomeMatrix of(List<Outcome> outcomes) {
        Map<String, Integer> rowOf = new LinkedHashMap<>();
        List<String> texts = new ArrayList<>();
        Map<Arm, Integer> armOf = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            if (rowOf.putIfAbsent(o.queryId(), rowOf.size()) == null) texts.add(o.query());
            armOf.putIfAbsent(o.arm(), armOf.size());
        }
        int n = rowOf.size();
        int k = armOf.size();
        double[][] s = nan(n, k), c = nan(n, k), in = nan(n, k), out = nan(n, k);
        int[][] seen = new int[n][k];
        for (Outcome o : outcomes) {
            int q = rowOf.get(o.queryId());
            int a = armOf.get(o.arm());
            int m = ++seen[q][a];
            s[q][a] = runningMean(s[q][a], o.score() == null ? Double.NaN : o.score(), m);
            c[q][a] = runningMean(c[q][a], o.costUsd(), m);
            in[q][a] = runningMean(in[q][a], o.inputTokens(), m);
            out[q][a] = runningMean(out[q][a], o.outputTokens(), m);
        }
        List<Arm> unordered = new ArrayList<>(armOf.keySet());
        double[] meanCost = new double[k];
        for (int a = 0; a < k; a++) meanCost[a] = columnMean(c, a);
        Integer[] order = new Integer[k];
        for (int a = 0; a < k; a++) order[a] = a;
        Arrays.sort(order, Comparator.<Integer>comparingDouble(a -> meanCost[a]).thenComparing(a -> unordered.get(a).label()));
        List<Arm> arms = new ArrayList<>();
        for (Integer a : order) arms.add(unordered.get(a));
        return new OutcomeMatrix(new ArrayList<>(rowOf.keySet()), texts, arms,
                permute(s, order), permute(c, order), permute(in, order), permute(out, order));
    }

    public int size() {
        return queryIds.size();
    }

    public int armCount() {
        return arms.size();
    }

    public List<String> queryIds() {
        return queryIds;
    }

    public List<String> queries() {
        return queries;
    }

    public List<Arm> arms() {
        return arms;
    }

    public double score(int query, int arm) {
        return score[query][arm];
    }

    public double cost(int query, int arm) {
        return cost[query][arm];
    }

    public double inputTokens(int query, int arm) {
        return inputTokens[query][arm];
    }

    public double outputTokens(int query, int arm) {
        return outputTokens[query][arm];
    }

    /** Whether every cell has a score and a cost: routers are compared only on complete rows. */
    public boolean complete(int query) {
        for (int a = 0; a < arms.size(); a++) {
            if (Double.isNaN(score[query][a]) || Double.isNaN(cost[query][a])) return false;
        }
        return true;
    }

    /** The sub-table of the given rows, in that order (folds, splits). */
    public OutcomeMatrix rows(int[] rows) {
        List<String> ids = new ArrayList<>(rows.length);
        List<String> texts = new ArrayList<>(rows.length);
        double[][] s = new double[rows.length][], c = new double[rows.length][], in = new double[rows.length][], out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            int q = rows[i];
            ids.add(queryIds.get(q));
            texts.add(queries.get(q));
            s[i] = score[q];
            c[i] = cost[q];
            in[i] = inputTokens[q];
            out[i] = outputTokens[q];
        }
        return new OutcomeMatrix(ids, texts, arms, s, c, in, out);
    }

    /** The rows where every arm has a score and a cost. */
    public OutcomeMatrix completeRows() {
        return rows(java.util.stream.IntStream.range(0, size()).filter(this::complete).toArray());
    }

    /** Mean score of one arm over the rows that have it. */
    public double meanScore(int arm) {
        return columnMean(score, arm);
    }

    /** Mean cost of one arm over the rows that have it. */
    public double meanCost(int arm) {
        return columnMean(cost, arm);
    }

    public int armIndex(Arm arm) {
        int i = arms.indexOf(Objects.requireNonNull(arm));
        if (i < 0) throw new IllegalArgumentException("arm " + arm.label() + " is not in this outcome table; arms: " + arms);
        return i;
    }

    private static double runningMean(double mean, double value, int count) {
        if (Double.isNaN(value)) return mean;
        if (Double.isNaN(mean)) return value;
        return mean + (value - mean) / count;
    }

    private static double columnMean(double[][] m, int col) {
        double sum = 0;
        int n = 0;
        for (double[] row : m) {
            if (!Double.isNaN(row[col])) {
                sum += row[col];
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static double[][] nan(int n, int k) {
        double[][] m = new double[n][k];
        for (double[] row : m) Arrays.fill(row, Double.NaN);
        return m;
    }

    private static double[][] permute(double[][] m, Integer[] order) {
        double[][] p = new double[m.length][order.length];
        for (int q = 0; q < m.length; q++) {
            for (int a = 0; a < order.length; a++) p[q][a] = m[q][order[a]];
        }
        return p;
    }
}
