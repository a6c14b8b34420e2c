package dev.thinkroute.learn.train;


import java.util.List;

/**
 * Chooses α for a {@link Target} on held-out predictions (out-of-fold on the training data, never the test set),
 * by sweeping α and reading off the real outcomes of the chosen arms.
 *
 * @param alpha      the chosen α
 * @param achieved   what it gave on the calibration rows
 * @param met        whether the target was met there; when it cannot be (a cost below the cheapest arm), the closest
 *                   point is taken and {@code note} says so
 */
public record Calibration(Target target, double alpha, AlphaSweep.Point achieved, boolean met, String note) {

    /**
     * @param strongArm the arm whose call share {@link Target.StrongShare} limits (the best single arm)
     * @param bestSingleQuality the reference of {@link Target.QualityFloor}
     */
    public static Calibration calibrate(Target target, List<AlphaSweep.Point> sweep, int strongArm, double bestSingleQuality) {
        if (sweep.isEmpty()) throw new IllegalArgumentException("nothing to calibrate on: the sweep is empty");
        AlphaSweep.Point best = null;
        switch (target) {
            case Target.MeanCost t -> {
                for (AlphaSweep.Point p : sweep) {
                    if (p.meanCost() <= t.usd() && (best == null || better(p, best))) best = p;
                }
                if (best == null) return closest(target, sweep, p -> p.meanCost(), "no α keeps the mean cost within $" + t.usd() + "; took the cheapest");
            }
            case Target.StrongShare t -> {
                for (AlphaSweep.Point p : sweep) {
                    if (p.share(strongArm) <= t.share() + 1e-12 && (best == null || better(p, best))) best = p;
                }
                if (best == null) return closest(target, sweep, p -> p.share(strongArm), "no α keeps the strong share within " + t.share() + "; took the lowest");
            }
            case Target.QualityFloor t -> {
                double floor = bestSingleQuality - t.delta();
                for (AlphaSweep.Point p : sweep) {
                    if (p.quality() >= floor - 1e-12 && (best == null || p.meanCost() < best.meanCost()
                            || (p.meanCost() == best.meanCost() && p.quality() > best.quality()))) best = p;
                }
                if (best == null) {
                    return closest(target, sweep, p -> -p.quality(), String.format(java.util.Locale.ROOT,
                            "no α reaches quality %.4f (best single %.4f − %.4f); took the best quality", floor, bestSingleQuality, t.delta()));
                }
            }
        }
        return new Calibration(target, best.alpha(), best, true, null);
    }

    /** Higher quality first, then lower cost. */
    private static boolean better(AlphaSweep.Point p, AlphaSweep.Point than) {
        return p.quality() > than.quality() || (p.quality() == than.quality() && p.meanCost() < than.meanCost());
    }

    private static Calibration closest(Target target, List<AlphaSweep.Point> sweep, java.util.function.ToDoubleFunction<AlphaSweep.Point> key, String note) {
        AlphaSweep.Point min = sweep.getFirst();
        for (AlphaSweep.Point p : sweep) if (key.applyAsDouble(p) < key.applyAsDouble(min)) min = p;
        return new Calibration(target, min.alpha(), min, false, note);
    }
}
