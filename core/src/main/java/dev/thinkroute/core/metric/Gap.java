package dev.thinkroute.core.metric;

/**
 * The performance gap between the weak and the strong single arm, and a router's place in it (RouteLLM, Ong et al.
 * 2024, arXiv:2406.18665): {@code PGR = (q − q_weak) / (q_strong − q_weak)}, 0 at the weak arm, 1 at the strong.
 *
 * <p>RouteLLM has exactly two models. Generalised here to many arms: weak is the cheapest arm (index 0 of an
 * {@link OutcomeMatrix}) and strong is the arm with the best single-arm quality (the cheapest of equals); for two arms
 * these are RouteLLM's weak and strong models whenever the dearer model is the better one. The x axis of a PGR curve
 * is either the share of calls to the strong arm (RouteLLM's) or the normalised cost
 * {@code (c − c_weak) / (c_strong − c_weak)}, which stays meaningful when a router also calls arms in between.
 *
 * <p>Undefined cases give {@code NaN}, never an exception, so a report can print them as "n/a": PGR when
 * {@code q_strong == q_weak} (nothing to recover, e.g. one arm, or the cheapest arm is already the best), the
 * normalised cost when {@code c_strong == c_weak}. {@link Apgr} drops {@code NaN} points, so the APGR and CPT of
 * such a gap are {@code NaN} too.
 *
 * @param weakArm      index of the weak arm, or -1 when not from a table
 * @param strongArm    index of the strong arm, or -1 when not from a table
 * @param weakCost     mean cost of the weak arm
 * @param weakQuality  mean score of the weak arm
 * @param strongCost   mean cost of the strong arm
 * @param strongQuality mean score of the strong arm
 */
public record Gap(int weakArm, int strongArm, double weakCost, double weakQuality, double strongCost, double strongQuality) {

    /**
     * Weak = the cheapest arm, strong = the best mean score (ties to the cheaper), each measured as a single-arm
     * router ({@link Baselines#singleArm}) on the rows that have it; pass {@link OutcomeMatrix#completeRows()} so
     * both are measured on the same rows as the routers.
     *
     * @throws IllegalArgumentException when the table has no arm
     */
    public static Gap of(OutcomeMatrix m) {
        if (m.armCount() == 0) throw new IllegalArgumentException("an outcome table without arms has no performance gap");
        var runs = Baselines.singleArms(m);
        int strong = 0;
        for (int a = 1; a < runs.size(); a++) {
            if (runs.get(a).accuracy() > runs.get(strong).accuracy() || Double.isNaN(runs.get(strong).accuracy())) strong = a;
        }
        RouterRun w = runs.getFirst(), s = runs.get(strong);
        return new Gap(0, strong, w.meanCost(), w.accuracy(), s.meanCost(), s.accuracy());
    }

    /** Between two single-arm points, without arm indices (so {@link #byStrongShare} is unavailable). */
    public static Gap between(Frontier.Point weak, Frontier.Point strong) {
        return new Gap(-1, -1, weak.cost(), weak.quality(), strong.cost(), strong.quality());
    }

    /** Whether PGR is defined: the strong arm scores differently from the weak one. */
    public boolean defined() {
        double gap = strongQuality - weakQuality;
        return gap != 0 && Double.isFinite(gap);
    }

    /** Performance gap recovered by a quality: 0 at the weak arm, 1 at the strong; {@code NaN} when undefined. */
    public double pgr(double quality) {
        return defined() ? (quality - weakQuality) / (strongQuality - weakQuality) : Double.NaN;
    }

    /** {@code (c − c_weak) / (c_strong − c_weak)}: 0 at the weak arm's cost, 1 at the strong's; {@code NaN} when they cost the same. */
    public double normalisedCost(double cost) {
        double span = strongCost - weakCost;
        return span != 0 && Double.isFinite(span) ? (cost - weakCost) / span : Double.NaN;
    }

    /** A router point on the PGR-by-normalised-cost plane: (normalised cost, PGR). */
    public Frontier.Point byCost(Frontier.Point router) {
        return new Frontier.Point(normalisedCost(router.cost()), pgr(router.quality()), router.label());
    }

    /**
     * A router run on RouteLLM's plane: (share of calls to the strong arm, PGR).
     *
     * @throws IllegalStateException when this gap was not taken from a table
     */
    public Frontier.Point byStrongShare(RouterRun run, String label) {
        if (strongArm < 0) throw new IllegalStateException("this gap has no strong arm index; build it with Gap.of(matrix)");
        return new Frontier.Point(run.armShare().get(strongArm), pgr(run.accuracy()), label);
    }
}
