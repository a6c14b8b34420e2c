package dev.thinkroute.eval.thinking;

import dev.thinkroute.core.score.JudgeFeatures;
import dev.thinkroute.core.Arm;
import dev.thinkroute.core.metric.Baselines;
import dev.thinkroute.core.metric.Gap;
import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.core.metric.RouterRun;
import dev.thinkroute.learn.predict.QualityModels;
import dev.thinkroute.learn.predict.QualityTrainer;
import dev.thinkroute.learn.predict.TrainingSet;
import dev.thinkroute.learn.report.RouterComparison;
import dev.thinkroute.learn.train.AlphaSweep;
import dev.thinkroute.learn.train.Calibration;
import dev.thinkroute.learn.train.Folds;
import dev.thinkroute.learn.train.RouterTrainer;
import dev.thinkroute.learn.train.Target;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The adaptive thinking trigger and the escalation cascade of one model, measured on the same held-out folds.
 *
 * <p><b>Trigger</b> (AdaptThink, AdaCoT): the learned router restricted to the model's two arms, {@code off} and
 * {@code on}, fitted per fold by {@link RouterComparison#fit}; a query thinks iff its predicted quality gain
 * outweighs α times its predicted extra cost ({@code (q̂_on − q̂_off)·S/(ĉ_on − ĉ_off) > α}, the cost-aware policy
 * with two arms). The threshold is swept over every value (the exact frontier) and calibrated on the training side:
 * out-of-fold predictions of an inner cross-validation of the fold's training rows, the cheapest α whose quality is
 * at least always-think's − δ (AdaptThink's constraint), then applied to the held-out fold.
 *
 * <p><b>Cascade</b> (FrugalGPT, AutoMix): answer with the cheap arm, judge its answer, escalate to the thinking arm
 * when it looks unsure; an escalated query pays for both calls (and for the second cheap sample when the judge reads
 * one). Judges: rules (agreement of two cheap samples, form checks of the answer), logistic regressions on those
 * features (± the question embedding) predicting P(cheap answer correct), trained on the training folds with λ chosen
 * by inner cross-validation (escalate iff P &lt; τ), and the α form combining the trigger's P̂(on correct) with the
 * judge's P(off correct). Each is calibrated like the trigger.
 */
public final class ThinkingStudy {

    /** Study settings. */
    public record Settings(int folds, long seed, double delta, String predictor) {
        public Settings {
            if (folds < 2) throw new IllegalArgumentException("folds must be at least 2, got " + folds);
            if (!(delta >= 0 && delta < 1)) throw new IllegalArgumentException("delta must be in [0, 1), got " + delta);
            QualityModels.trainer(predictor);
        }
    }

    /**
     * One model's thinking pair in OpenAI's GSM8K file.
     *
     * @param cheapKey  the file's system whose answer the cascade judges
     * @param secondKey the system giving the judge's second cheap sample (another model's one-sample answer)
     * @param secondArm that system's arm, whose cost the cascade pays when the judge reads it
     */
    public record Size(String model, String cheapKey, String secondKey, String secondArm) {
        public static final Size GPT3_175B = new Size("gpt3-175b", "175b_finetuning", "6b_finetuning", "gpt3-6b:off");
        public static final Size GPT3_6B = new Size("gpt3-6b", "6b_finetuning", "175b_finetuning", "gpt3-175b:off");

        /** The arms this size studies: {@code <model>:off} cheap, {@code <model>:on} expensive, {@link #secondArm} second. */
        public Arms arms() {
            return new Arms(model, Arm.parse(model + ":off"), Arm.parse(model + ":on"), Arm.parse(secondArm));
        }
    }

    /**
     * The arms of one study: answer with {@code cheap}, or think / escalate to {@code expensive}; a cascade judge may
     * also read a second cheap sample, {@code second}'s answer, and then pays for it.
     *
     * @param label  names the study in the output and the chart's file name, e.g. the model
     * @param second the arm of the second cheap sample, or {@code null}: no agreement-based strategies
     */
    public record Arms(String label, Arm cheap, Arm expensive, Arm second) {
        public static final Arms GPT3_175B = Size.GPT3_175B.arms();
        public static final Arms GPT3_6B = Size.GPT3_6B.arms();

        public Arms {
            java.util.Objects.requireNonNull(label, "label");
            java.util.Objects.requireNonNull(cheap, "cheap");
            java.util.Objects.requireNonNull(expensive, "expensive");
            if (cheap.equals(expensive)) throw new IllegalArgumentException("the cheap and the expensive arm are both " + cheap.label());
            if (second != null && (second.equals(cheap) || second.equals(expensive))) {
                throw new IllegalArgumentException("the second cheap arm " + second.label() + " must differ from the cheap and the expensive arm");
            }
        }

        public boolean hasSecond() {
            return second != null;
        }
    }

    /** The strategies that read the second cheap sample, left out when a study has none. */
    public static final List<String> AGREEMENT_STRATEGIES = List.of("cascade-agree", "cascade-agree+form", "cascade-lr-form+agree",
            "cascade-lr-form+agree+emb", "cascade-lr-form+agree+difficulty", "cascade-gain(lr-form+agree+difficulty)",
            "cascade-alpha(lr-form+agree+difficulty)", "cascade-alpha(lr-form+agree+emb)");

    /**
     * One operating point beside its references.
     *
     * @param rate             share of queries sent the expensive way (the thinking rate; a cascade's escalation rate)
     * @param vsAlwaysThink    quality − always-think's
     * @param vsNeverThink     quality − never-think's
     * @param tokensSaved      1 − mean tokens / always-think's (prompt + generated, every call counted)
     * @param costSaved        1 − mean cost / always-think's
     * @param pgr              share of the off→on quality gap recovered
     * @param randomQuality    routing at random with the same thinking rate (expected)
     * @param randomCost       … and its mean cost
     */
    public record Figures(String label, double threshold, double rate, double quality, double meanCost, double meanTokens,
                          double vsAlwaysThink, double vsNeverThink, double tokensSaved, double costSaved, double pgr,
                          double randomQuality, double randomCost) {
    }

    /**
     * One trigger or cascade on the held-out rows.
     *
     * @param secondSample whether it pays for a second cheap sample
     * @param calibrated   α/τ chosen per fold on the training side (AdaptThink's constraint), measured held out
     * @param thresholds   the per-fold thresholds of {@code calibrated} (escalate iff score > threshold)
     * @param foldsMet     folds whose training side met the constraint
     * @param bestWithinDelta the cheapest held-out point with quality ≥ always-think − δ (chosen in hindsight)
     * @param judgeAuc     AUC of the judge's P(cheap answer correct) on held-out rows (NaN for the trigger)
     * @param pareto       AdaCoT's trigger-rate–quality Pareto curve of the held-out sweep
     */
    public record Strategy(String name, String kind, String description, boolean secondSample,
                           RouterComparison.Metrics metrics, Figures calibrated, double[] thresholds, int foldsMet,
                           Figures bestWithinDelta, Figures peak, double judgeAuc, List<Figures> pareto,
                           List<TwoWay.Point> sweep, String hyper) {
    }

    /** How often a form flag fires on the cheap answers and how often the cheap answer is right with and without it. */
    public record FeatureStat(String name, double share, double cheapCorrectWhen, double cheapCorrectOtherwise) {
    }

    /**
     * @param secondArm the second cheap sample's arm, or {@code null} when the study has none
     * @param skipped   strategies left out for want of a second cheap sample (empty when it has one)
     */
    public record SizeResult(String model, String offArm, String onArm, String secondArm, int rows, Figures never,
                             Figures always, Figures oracle, double triggerApgrOnAlphaGrid, List<Strategy> strategies,
                             List<FeatureStat> features, List<String> skipped, long millis) {
        public Strategy strategy(String name) {
            return strategies.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
        }
    }

    public record Report(String dataset, String protocol, String predictor, double delta, List<SizeResult> sizes) {
    }

    /** λ tried by the judges' inner cross-validation. */
    static final double[] LAMBDAS = {0.3, 3, 30, 300, 3000};

    private ThinkingStudy() {
    }

    /** A table of only the given arms, in the given order. */
    public static OutcomeMatrix columns(OutcomeMatrix m, int... arms) {
        int n = m.size();
        double[][] s = new double[n][arms.length], c = new double[n][arms.length], in = new double[n][arms.length], out = new double[n][arms.length];
        List<Arm> labels = new ArrayList<>();
        for (int a : arms) labels.add(m.arms().get(a));
        for (int q = 0; q < n; q++) {
            for (int j = 0; j < arms.length; j++) {
                s[q][j] = m.score(q, arms[j]);
                c[q][j] = m.cost(q, arms[j]);
                in[q][j] = m.inputTokens(q, arms[j]);
                out[q][j] = m.outputTokens(q, arms[j]);
            }
        }
        return new OutcomeMatrix(m.queryIds(), m.queries(), labels, s, c, in, out);
    }

    /**
     * @param all      the complete outcome table of every arm
     * @param x        each row's query embedding
     * @param features the judge's features by query id, for this size's cheap answer
     */
    public static SizeResult run(String dataset, OutcomeMatrix all, float[][] x, Size size, Map<String, JudgeFeatures> features,
                                 Settings settings, Consumer<String> progress) {
        return run(dataset, all, x, size.arms(), features, settings, progress);
    }

    /**
     * @param all      the complete outcome table of (at least) the study's arms
     * @param x        each row's query embedding
     * @param arms     the cheap, expensive and (optional) second cheap arm
     * @param features the judge's features by query id, read from the cheap answer (and the second sample's, when
     *                 {@code arms} has a second arm)
     */
    public static SizeResult run(String dataset, OutcomeMatrix all, float[][] x, Arms arms, Map<String, JudgeFeatures> features,
                                 Settings settings, Consumer<String> progress) {
        long started = System.nanoTime();
        int off = all.armIndex(arms.cheap());
        int on = all.armIndex(arms.expensive());
        boolean hasSecond = arms.hasSecond();
        int second = hasSecond ? all.armIndex(arms.second()) : -1;
        String secondLabel = hasSecond ? arms.second().label() : null;
        OutcomeMatrix m2 = columns(all, off, on);
        int n = m2.size();
        JudgeFeatures[] f = new JudgeFeatures[n];
        for (int q = 0; q < n; q++) {
            f[q] = features.get(m2.queryIds().get(q));
            if (f[q] == null) throw new IllegalArgumentException("no judge features for query " + m2.queryIds().get(q));
        }
        RouterComparison.Baseline base = RouterComparison.baseline(m2);
        Gap gap = base.gap();
        TwoWay trig = TwoWay.trigger(m2, 0, 1);
        // The cascade on the 3-arm table [cheap, on, second].
        OutcomeMatrix m3 = hasSecond ? columns(all, off, on, second) : m2;
        TwoWay withSecond = hasSecond ? TwoWay.cascade(m3, 0, 2, 1) : null;
        TwoWay alone = TwoWay.cascade(m3, 0, -1, 1);
        TwoWay.Point neverPt = trig.never(), alwaysPt = trig.always();
        Refs refs = new Refs(neverPt, alwaysPt, gap);
        RouterRun oracleRun = Baselines.oracle(m2);
        Figures oracle = refs.figures("oracle", new TwoWay.Point(Double.NaN, oracleRun.armShare().get(1), oracleRun.accuracy(),
                oracleRun.meanCost(), oracleRun.meanInputTokens() + oracleRun.meanOutputTokens()));

        RouterComparison.CrossValidation cv = new RouterComparison.CrossValidation(settings.folds(), settings.seed());
        int[][] folds = Folds.kFold(n, settings.folds(), settings.seed());
        String name = dataset + " " + arms.label();

        // ---- trigger: held-out models per fold, and inner out-of-fold predictions for calibration
        long t0 = System.nanoTime();
        List<RouterComparison.HeldOutModel> parts = RouterComparison.fit(settings.predictor(), m2, x, cv, progress, name);
        QualityTrainer trainer = QualityModels.trainer(settings.predictor());
        double[] onHat = new double[n], offHat = new double[n], dCostOverScale = new double[n];
        double[][] pq = new double[n][], pc = new double[n][];
        double[] rowScale = new double[n];
        List<double[]> innerOnHat = new ArrayList<>(), innerOffHat = new ArrayList<>(), innerDc = new ArrayList<>();
        for (int fi = 0; fi < parts.size(); fi++) {
            RouterComparison.HeldOutModel part = parts.get(fi);
            double[][] c = RouterTrainer.predictedCost(part.cost(), m2.rows(part.testRows()));
            double scale = part.cost().costScale();
            for (int i = 0; i < part.testRows().length; i++) {
                int row = part.testRows()[i];
                pq[row] = part.quality().predict(x[row]);
                pc[row] = c[i];
                rowScale[row] = scale;
                offHat[row] = pq[row][0];
                onHat[row] = pq[row][1];
                dCostOverScale[row] = (c[i][1] - c[i][0]) / scale;
            }
            progress.accept(name + ": " + settings.predictor() + " inner cross-validation for calibration, fold " + (fi + 1) + "/" + parts.size());
            int[] train = part.trainRows();
            TrainingSet ts = new TrainingSet(pick(x, train), RouterTrainer.scores(m2.rows(train)));
            double[][] oof = RouterTrainer.outOfFold(trainer, ts, settings.folds(), settings.seed(), line -> { });
            double[][] ci = RouterTrainer.predictedCost(part.cost(), m2.rows(train));
            double[] on1 = new double[train.length], off1 = new double[train.length], dc = new double[train.length];
            for (int i = 0; i < train.length; i++) {
                on1[i] = oof[i][1];
                off1[i] = oof[i][0];
                dc[i] = (ci[i][1] - ci[i][0]) / scale;
            }
            innerOnHat.add(on1);
            innerOffHat.add(off1);
            innerDc.add(dc);
        }
        String hyper = String.join(" | ", parts.stream().map(p -> p.quality().hyperParameters().toString()).toList());
        List<AlphaSweep.Point> grid = AlphaSweep.run(pq, pc, m2, rowScale, AlphaSweep.defaultGrid());
        double apgrGrid = RouterComparison.summarise("grid", grid, gap, base.cMin(), base.cMax(), base.aiqOracle(),
                base.bestSingle(), null, null, 0).metrics().apgr();

        List<Strategy> strategies = new ArrayList<>();
        Evaluator ev = new Evaluator(folds, parts, m2, refs, base, settings);
        double[] trigScore = ratio(onHat, offHat, dCostOverScale);
        List<double[]> innerTrig = new ArrayList<>();
        for (int fi = 0; fi < folds.length; fi++) innerTrig.add(ratio(innerOnHat.get(fi), innerOffHat.get(fi), innerDc.get(fi)));
        strategies.add(ev.evaluate("trigger", "trigger", "learned thinking trigger (" + settings.predictor() + "), think iff "
                + "(P̂on − P̂off)·S/Δĉ > α", false, trig, trigScore, innerTrig, Double.NaN, hyper, (System.nanoTime() - t0) / 1_000_000));

        // ---- cascade judges
        double[] cheapCorrect = new double[n];
        for (int q = 0; q < n; q++) cheapCorrect[q] = m2.score(q, 0);
        // Rules: no learning; the inner "predictions" are the rule itself.
        double[] agreeRule = new double[n], formRule = new double[n], both = new double[n];
        for (int q = 0; q < n; q++) {
            agreeRule[q] = f[q].agree() ? 0 : 1;
            formRule[q] = f[q].formOk() ? 0 : 1;
            both[q] = 2 * agreeRule[q] + formRule[q];
        }
        if (hasSecond) {
            strategies.add(ev.evaluate("cascade-agree", "rule", "escalate iff the two cheap samples' final answers differ "
                    + "(second sample: " + secondLabel + ", paid)", true, withSecond, agreeRule, ev.inner(agreeRule), auc(agreeRule, cheapCorrect), "", 0));
        }
        strategies.add(ev.evaluate("cascade-form", "rule", "escalate iff a form check fails (no numeric answer, not a "
                + "whole non-negative number, a wrong calculator annotation or result, the answer not in the last step)", false, alone, formRule, ev.inner(formRule), auc(formRule, cheapCorrect), "", 0));
        if (hasSecond) {
            strategies.add(ev.evaluate("cascade-agree+form", "rule", "rule levels 2·disagree + form-fail, swept", true, withSecond,
                    both, ev.inner(both), auc(both, cheapCorrect), "", 0));
        }

        record JudgeSpec(String name, boolean agreement, boolean embedding) {
        }
        List<JudgeSpec> judges = List.of(new JudgeSpec("lr-form", false, false), new JudgeSpec("lr-form+agree", true, false),
                new JudgeSpec("lr-form+emb", false, true), new JudgeSpec("lr-form+agree+emb", true, true));
        Map<String, Judged> judged = new HashMap<>();
        for (JudgeSpec js : judges) {
            if (js.agreement() && !hasSecond) continue;
            long tj = System.nanoTime();
            progress.accept(name + ": judge " + js.name());
            double[][] z = new double[n][];
            for (int q = 0; q < n; q++) z[q] = judgeInput(f[q], js.agreement(), js.embedding() ? x[q] : null);
            Judged j = judge(z, cheapCorrect, folds, settings);
            judged.put(js.name(), j);
            double[] score = new double[n];
            for (int q = 0; q < n; q++) score[q] = 1 - j.heldOut()[q];
            List<double[]> inner = new ArrayList<>();
            for (double[] p : j.inner()) {
                double[] s = new double[p.length];
                for (int i = 0; i < p.length; i++) s[i] = 1 - p[i];
                inner.add(s);
            }
            strategies.add(ev.evaluate("cascade-" + js.name(), "judge", "logistic judge on " + String.join(", ",
                            JudgeFeatures.names(js.agreement())) + (js.embedding() ? ", question embedding" : "")
                            + "; escalate iff P(cheap correct) < τ = 1 − threshold", js.agreement(),
                    js.agreement() ? withSecond : alone, score, inner, Logistic.auc(j.heldOut(), cheapCorrect),
                    "λ per fold " + Arrays.toString(j.lambdas()), (System.nanoTime() - tj) / 1_000_000));
        }
        {
            // Stacked: the judge's features plus the trigger model's P̂off and P̂on of the question (a learned
            // difficulty in two numbers instead of 384 raw embedding dimensions); training rows carry the inner
            // out-of-fold predictions, held-out rows the fold model's.
            long tj = System.nanoTime();
            String jn = hasSecond ? "lr-form+agree+difficulty" : "lr-form+difficulty";
            progress.accept(name + ": judge " + jn);
            double[][] z = new double[n][];
            for (int q = 0; q < n; q++) z[q] = stack(f[q].vector(hasSecond), offHat[q], onHat[q]);
            List<double[][]> trainInputs = new ArrayList<>();
            for (int fi = 0; fi < folds.length; fi++) {
                int[] train = Folds.complement(n, folds[fi]);
                double[][] zt = new double[train.length][];
                for (int i = 0; i < train.length; i++) zt[i] = stack(f[train[i]].vector(hasSecond), innerOffHat.get(fi)[i], innerOnHat.get(fi)[i]);
                trainInputs.add(zt);
            }
            Judged j = judge(z, trainInputs, cheapCorrect, folds, settings);
            judged.put(jn, j);
            double[] score = new double[n];
            for (int q = 0; q < n; q++) score[q] = 1 - j.heldOut()[q];
            List<double[]> inner = new ArrayList<>();
            for (double[] p : j.inner()) {
                double[] sc = new double[p.length];
                for (int i = 0; i < p.length; i++) sc[i] = 1 - p[i];
                inner.add(sc);
            }
            strategies.add(ev.evaluate("cascade-" + jn, "judge", "logistic judge on " + String.join(", ", JudgeFeatures.names(hasSecond))
                            + ", and the trigger's P̂off, P̂on (stacked); escalate iff P(cheap correct) < τ = 1 − threshold", hasSecond,
                    hasSecond ? withSecond : alone, score, inner, Logistic.auc(j.heldOut(), cheapCorrect), "λ per fold " + Arrays.toString(j.lambdas()),
                    (System.nanoTime() - tj) / 1_000_000));
            // The gain of escalating, learned on the same inputs: P(on correct | cheap answers, question) − P(cheap correct | …).
            double[] onCorrect = new double[n];
            for (int q = 0; q < n; q++) onCorrect[q] = m2.score(q, 1);
            Judged g = judge(z, trainInputs, onCorrect, folds, settings);
            double[] gain = ratio(g.heldOut(), j.heldOut(), dCostOverScale);
            List<double[]> innerGain = new ArrayList<>();
            for (int fi = 0; fi < folds.length; fi++) innerGain.add(ratio(g.inner().get(fi), j.inner().get(fi), innerDc.get(fi)));
            strategies.add(ev.evaluate("cascade-gain(" + jn + ")", "alpha", "escalate iff (P(on correct) − P(cheap correct))·S/Δĉ > α, "
                            + "both logistic on the " + jn + " inputs", hasSecond, hasSecond ? withSecond : alone, gain, innerGain,
                    Logistic.auc(j.heldOut(), cheapCorrect), "λ(on) per fold " + Arrays.toString(g.lambdas()) + ", AUC of P(on correct) "
                            + String.format(java.util.Locale.ROOT, "%.3f", Logistic.auc(g.heldOut(), onCorrect)), 0));
        }
        for (String jn : hasSecond ? List.of("lr-form+agree+difficulty", "lr-form+agree+emb", "lr-form+emb")
                : List.of("lr-form+difficulty", "lr-form+emb")) {
            Judged j = judged.get(jn);
            boolean agreement = jn.contains("agree");
            double[] score = ratio(onHat, j.heldOut(), dCostOverScale);
            List<double[]> inner = new ArrayList<>();
            for (int fi = 0; fi < folds.length; fi++) inner.add(ratio(innerOnHat.get(fi), j.inner().get(fi), innerDc.get(fi)));
            strategies.add(ev.evaluate("cascade-alpha(" + jn + ")", "alpha", "escalate iff (P̂on − P(cheap correct))·S/Δĉ > α, "
                            + "P̂on from the trigger's " + settings.predictor() + " model, P(cheap correct) from " + jn, agreement,
                    agreement ? withSecond : alone, score, inner, Logistic.auc(j.heldOut(), cheapCorrect), "", 0));
        }

        // ---- which form features fire, and how often the cheap answer is right then
        List<FeatureStat> stats = new ArrayList<>();
        List<String> names = JudgeFeatures.names(hasSecond);
        for (int k = 0; k < names.size(); k++) {
            if (k >= 8 && k <= 10) continue; // continuous
            int fired = 0;
            double okWhen = 0, okElse = 0;
            for (int q = 0; q < n; q++) {
                if (f[q].vector(hasSecond)[k] > 0.5) {
                    fired++;
                    okWhen += cheapCorrect[q];
                } else okElse += cheapCorrect[q];
            }
            stats.add(new FeatureStat(names.get(k), fired / (double) n, fired == 0 ? Double.NaN : okWhen / fired,
                    fired == n ? Double.NaN : okElse / (n - fired)));
        }
        int formFail = 0;
        double formOkCorrect = 0, formFailCorrect = 0;
        for (int q = 0; q < n; q++) {
            if (f[q].formOk()) formOkCorrect += cheapCorrect[q];
            else {
                formFail++;
                formFailCorrect += cheapCorrect[q];
            }
        }
        stats.add(new FeatureStat("any_form_check_fails", formFail / (double) n, formFail == 0 ? Double.NaN : formFailCorrect / formFail,
                formFail == n ? Double.NaN : formOkCorrect / (n - formFail)));

        return new SizeResult(arms.label(), m2.arms().get(0).label(), m2.arms().get(1).label(), secondLabel, n,
                refs.figures("never think (always " + m2.arms().get(0).label() + ")", neverPt),
                refs.figures("always think (always " + m2.arms().get(1).label() + ")", alwaysPt), oracle, apgrGrid,
                strategies, stats, hasSecond ? List.of() : AGREEMENT_STRATEGIES, (System.nanoTime() - started) / 1_000_000);
    }

    /** The judge's input: its features, then the question embedding when given. */
    static double[] judgeInput(JudgeFeatures f, boolean agreement, float[] embedding) {
        double[] v = f.vector(agreement);
        if (embedding == null) return v;
        double[] out = Arrays.copyOf(v, v.length + embedding.length);
        for (int i = 0; i < embedding.length; i++) out[v.length + i] = embedding[i];
        return out;
    }

    static double[] stack(double[] v, double... more) {
        double[] out = Arrays.copyOf(v, v.length + more.length);
        System.arraycopy(more, 0, out, v.length, more.length);
        return out;
    }

    /** (a − b) / d, the α at which a row switches; ±∞-free. */
    static double[] ratio(double[] a, double[] b, double[] d) {
        double[] r = new double[a.length];
        for (int i = 0; i < r.length; i++) r[i] = (a[i] - b[i]) / Math.max(d[i], 1e-12);
        return r;
    }

    /** A judge's held-out P(cheap correct), its training-side out-of-fold P per fold, and the λ each fold chose. */
    record Judged(double[] heldOut, List<double[]> inner, double[] lambdas) {
    }

    /**
     * Per outer fold: inner k-fold on the training rows for each λ, the λ with the least out-of-fold log-loss kept
     * (its out-of-fold predictions are what calibration reads), then a fit on all training rows predicts the fold.
     */
    static Judged judge(double[][] z, double[] y, int[][] folds, Settings settings) {
        return judge(z, null, y, folds, settings);
    }

    /**
     * @param trainInputs per fold, the inputs of that fold's training rows (in {@link Folds#complement} order) when
     *                    they differ from {@code z} (stacked features: out-of-fold predictions on the training side,
     *                    the fold model's predictions on the held-out side); {@code null}: {@code z}'s rows
     */
    static Judged judge(double[][] z, List<double[][]> trainInputs, double[] y, int[][] folds, Settings settings) {
        int n = z.length;
        double[] held = new double[n];
        List<double[]> inner = new ArrayList<>();
        double[] lambdas = new double[folds.length];
        for (int fi = 0; fi < folds.length; fi++) {
            int[] train = Folds.complement(n, folds[fi]);
            double[][] zt = new double[train.length][];
            double[] yt = new double[train.length];
            for (int i = 0; i < train.length; i++) {
                zt[i] = trainInputs == null ? z[train[i]] : trainInputs.get(fi)[i];
                yt[i] = y[train[i]];
            }
            int[][] innerFolds = Folds.kFold(train.length, settings.folds(), settings.seed() + 1 + fi);
            double bestLoss = Double.POSITIVE_INFINITY;
            double[] bestOof = null;
            double bestLambda = LAMBDAS[0];
            for (double lambda : LAMBDAS) {
                double[] oof = new double[train.length];
                for (int[] fold : innerFolds) {
                    int[] fit = Folds.complement(train.length, fold);
                    double[][] zf = new double[fit.length][];
                    double[] yf = new double[fit.length];
                    for (int i = 0; i < fit.length; i++) {
                        zf[i] = zt[fit[i]];
                        yf[i] = yt[fit[i]];
                    }
                    Logistic model = Logistic.fit(zf, yf, lambda);
                    for (int i : fold) oof[i] = model.predict(zt[i]);
                }
                double loss = Logistic.logLoss(oof, yt);
                if (loss < bestLoss) {
                    bestLoss = loss;
                    bestOof = oof;
                    bestLambda = lambda;
                }
            }
            Logistic model = Logistic.fit(zt, yt, bestLambda);
            for (int row : folds[fi]) held[row] = model.predict(z[row]);
            inner.add(bestOof);
            lambdas[fi] = bestLambda;
        }
        return new Judged(held, inner, lambdas);
    }

    static double auc(double[] escalationScore, double[] cheapCorrect) {
        double[] p = new double[escalationScore.length];
        for (int i = 0; i < p.length; i++) p[i] = -escalationScore[i];
        return Logistic.auc(p, cheapCorrect);
    }

    private static float[][] pick(float[][] x, int[] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) out[i] = x[rows[i]];
        return out;
    }

    /** The references every point is set beside. */
    record Refs(TwoWay.Point never, TwoWay.Point always, Gap gap) {
        Figures figures(String label, TwoWay.Point p) {
            if (p == null) return null;
            double r = p.rate();
            return new Figures(label, p.threshold(), r, p.quality(), p.meanCost(), p.meanTokens(),
                    p.quality() - always.quality(), p.quality() - never.quality(), 1 - p.meanTokens() / always.meanTokens(),
                    1 - p.meanCost() / always.meanCost(), gap.pgr(p.quality()),
                    (1 - r) * never.quality() + r * always.quality(), (1 - r) * never.meanCost() + r * always.meanCost());
        }
    }

    /** Sweeps, calibrates and summarises one strategy on the shared folds. */
    private record Evaluator(int[][] folds, List<RouterComparison.HeldOutModel> parts, OutcomeMatrix m2, Refs refs,
                             RouterComparison.Baseline base, Settings settings) {

        /** A rule's scores on each fold's training rows (the rule needs no fitting). */
        List<double[]> inner(double[] score) {
            List<double[]> out = new ArrayList<>();
            for (int[] fold : folds) {
                int[] train = Folds.complement(score.length, fold);
                double[] s = new double[train.length];
                for (int i = 0; i < train.length; i++) s[i] = score[train[i]];
                out.add(s);
            }
            return out;
        }

        Strategy evaluate(String name, String kind, String description, boolean second, TwoWay paths, double[] score,
                          List<double[]> innerScore, double judgeAuc, String hyper, long millis) {
            int n = score.length;
            List<TwoWay.Point> sweep = paths.sweep(score);
            RouterComparison.RouterResult summary = RouterComparison.summarise(name,
                    sweep.stream().map(TwoWay.Point::asSweepPoint).toList(), refs.gap(), base.cMin(), base.cMax(),
                    base.aiqOracle(), base.bestSingle(), null, hyper, millis);
            // Calibration: per fold, on the training side's out-of-fold scores.
            boolean[] escalate = new boolean[n];
            double[] thresholds = new double[folds.length];
            int met = 0;
            for (int fi = 0; fi < folds.length; fi++) {
                int[] train = Folds.complement(n, folds[fi]);
                TwoWay trainPaths = paths.rows(train);
                List<AlphaSweep.Point> trainSweep = trainPaths.sweep(innerScore.get(fi)).stream().map(TwoWay.Point::asSweepPoint).toList();
                double alwaysThink = m2.rows(train).meanScore(1);
                Calibration cal = Calibration.calibrate(new Target.QualityFloor(settings.delta()), trainSweep, 1, alwaysThink);
                thresholds[fi] = cal.alpha();
                if (cal.met()) met++;
                for (int row : folds[fi]) escalate[row] = score[row] > cal.alpha();
            }
            Figures calibrated = refs.figures(name + " calibrated (quality ≥ always-think − " + settings.delta() + " on training folds)",
                    paths.of(escalate, Double.NaN));
            TwoWay.Point within = TwoWay.cheapestAtLeast(sweep, refs.always().quality() - settings.delta());
            TwoWay.Point peak = sweep.stream().max((a, b) -> a.quality() != b.quality() ? Double.compare(a.quality(), b.quality())
                    : Double.compare(b.meanCost(), a.meanCost())).orElseThrow();
            List<Figures> pareto = TwoWay.pareto(sweep).stream().map(p -> refs.figures(name + " pareto", p)).toList();
            return new Strategy(name, kind, description, second, summary.metrics(), calibrated, thresholds, met,
                    refs.figures(name + " cheapest held-out point ≥ always-think − " + settings.delta() + " (hindsight)", within),
                    refs.figures(name + " peak", peak), judgeAuc, pareto, sweep, hyper);
        }
    }
}
