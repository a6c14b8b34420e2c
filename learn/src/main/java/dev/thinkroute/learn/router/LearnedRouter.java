package dev.thinkroute.learn.router;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Decision;
import dev.thinkroute.core.Reason;
import dev.thinkroute.core.TokenEstimator;
import dev.thinkroute.core.route.CostAwarePolicy;
import dev.thinkroute.core.route.Query;
import dev.thinkroute.core.route.Router;
import dev.thinkroute.learn.embed.Encoder;
import dev.thinkroute.learn.embed.QueryText;
import dev.thinkroute.learn.predict.QualityModel;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A learned, cost-aware router: embeds the query (the last user message), predicts each arm's quality and cost, and
 * lets the {@link CostAwarePolicy} choose. Thread-safe when its encoder and quality model are (they are).
 */
public final class LearnedRouter implements Router {

    private final String name;
    private final List<Arm> arms;
    private final Encoder encoder;
    private final QualityModel quality;
    private final CostModel cost;
    private final CostAwarePolicy policy;
    private final boolean[] allowed;

    /**
     * @param allowed which arms may be chosen ({@code null}: all); arms the serving pool lacks are disallowed here
     */
    public LearnedRouter(String name, List<Arm> arms, Encoder encoder, QualityModel quality, CostModel cost,
                         CostAwarePolicy policy, boolean[] allowed) {
        this.name = Objects.requireNonNull(name, "name");
        this.arms = List.copyOf(arms);
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.quality = Objects.requireNonNull(quality, "quality");
        this.cost = Objects.requireNonNull(cost, "cost");
        this.policy = Objects.requireNonNull(policy, "policy");
        if (quality.armCount() != arms.size() || cost.armCount() != arms.size()) {
            throw new IllegalArgumentException("router '" + name + "' has " + arms.size() + " arms but its models predict "
                    + quality.armCount() + " qualities and " + cost.armCount() + " costs");
        }
        if (allowed != null && allowed.length != arms.size()) throw new IllegalArgumentException("one allowed flag per arm");
        this.allowed = allowed == null ? null : allowed.clone();
    }

    /** The predictions behind one decision, per arm, in {@link #arms()} order. */
    public record Predictions(List<Arm> arms, double[] quality, double[] cost, double[] utility, int chosen, double alpha) {
        public Arm choice() {
            return arms.get(chosen);
        }
    }

    public Predictions predict(String text) {
        return predict(text, allowed, Double.POSITIVE_INFINITY, policy);
    }

    public Predictions predict(String text, boolean[] allowedArms, double maxCost, CostAwarePolicy usePolicy) {
        // The same text training embedded (outcome logs hold the normalised last user message), so a served query and
        // its logged twin get one vector, and an embedding cache filled by training answers the router too.
        float[] embedding = encoder.embed(QueryText.of(text));
        double[] q = quality.predict(embedding);
        double[] c = cost.predict(TokenEstimator.estimate(text));
        double[] u = new double[q.length];
        for (int a = 0; a < q.length; a++) u[a] = usePolicy.utility(q[a], c[a]);
        int chosen = usePolicy.choose(q, c, allowedArms, maxCost);
        return new Predictions(arms, q, c, u, chosen, usePolicy.alpha());
    }

    @Override
    public Decision route(Query query) {
        Query.Constraints limits = query.constraints();
        CostAwarePolicy use = limits.alpha() == null ? policy : policy.withAlpha(limits.alpha());
        boolean[] permitted = allowed;
        if (limits.arms() != null) {
            permitted = new boolean[arms.size()];
            for (int a = 0; a < arms.size(); a++) {
                Arm arm = arms.get(a);
                permitted[a] = (allowed == null || allowed[a]) && (limits.arms().contains(arm.label()) || limits.arms().contains(arm.model()));
            }
            boolean any = false;
            for (boolean b : permitted) any |= b;
            if (!any) throw new IllegalArgumentException("none of the requested arms " + limits.arms() + " is among router '" + name
                    + "''s arms " + servable());
        }
        double cap = limits.maxCostUsd() == null ? Double.POSITIVE_INFINITY : limits.maxCostUsd();
        Predictions p = predict(query.text(), permitted, cap, use);
        String capNote = p.cost()[p.chosen()] > cap ? "; no arm fits max_cost $" + cap + ", took the cheapest" : "";
        return new Decision(p.choice(), new Reason.Learned(name, String.format(Locale.ROOT,
                "router '%s' (%s, α=%.4g%s): predicted quality %.3f at $%.6f, best utility of %d arms%s",
                name, quality.kind(), use.alpha(), limits.isNone() ? "" : ", caller limits applied",
                p.quality()[p.chosen()], p.cost()[p.chosen()], arms.size(), capNote)));
    }

    @Override
    public boolean acceptsConstraints() {
        return true;
    }

    /** The arms this router may choose. */
    public List<Arm> servable() {
        List<Arm> out = new java.util.ArrayList<>();
        for (int a = 0; a < arms.size(); a++) if (allowed == null || allowed[a]) out.add(arms.get(a));
        return out;
    }

    public String name() {
        return name;
    }

    public List<Arm> arms() {
        return arms;
    }

    public CostAwarePolicy policy() {
        return policy;
    }

    public QualityModel qualityModel() {
        return quality;
    }

    public CostModel costModel() {
        return cost;
    }
}
