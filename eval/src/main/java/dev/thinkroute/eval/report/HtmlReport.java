package dev.thinkroute.eval.report;

import dev.thinkroute.core.metric.Frontier;
import dev.thinkroute.core.metric.RouterRun;
import dev.thinkroute.learn.report.RouterComparison;
import dev.thinkroute.learn.train.AlphaSweep;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * One self-contained HTML page (no external assets; plots embedded as base64 PNG) for a
 * {@link RouterComparison.Result}: the dataset and protocol, the comparison table, the cost–quality frontier plot and
 * the per-arm call share of the best router (by AIQ) over its α sweep. {@link #writePng} writes the frontier alone.
 *
 * <p>Charts are drawn with XChart off screen; {@code java.awt.headless} is set to {@code true} before any is made.
 * Undefined metrics ({@code NaN}) are printed as "—".
 */
public final class HtmlReport {

    /** Size of the frontier PNG written by {@link #writePng(Path)}, in pixels. */
    public static final int WIDTH = 1000;
    public static final int HEIGHT = 640;
    /** The arms' costs must span more than this ratio for the cost axis to be logarithmic. */
    static final double LOG_SPAN = 20;
    static final String DASH = "—";

    static final Color[] PALETTE = {
            new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
            new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf), new Color(0xbcbd22), new Color(0x7f7f7f)};

    private final RouterComparison.Result result;
    /** The evaluation behind the page, or {@code null} for a {@code compare} page. */
    private final EvalReport eval;

    private HtmlReport(RouterComparison.Result result, EvalReport eval) {
        this.result = result;
        this.eval = eval;
    }

    public static HtmlReport of(RouterComparison.Result result) {
        if (result == null) throw new IllegalArgumentException("no comparison result");
        return new HtmlReport(result, null);
    }

    /** A page for {@code thinkroute eval}: the comparison, plus every contestant's shares, tokens, latency and failures. */
    public static HtmlReport of(EvalReport eval) {
        if (eval == null) throw new IllegalArgumentException("no evaluation report");
        return new HtmlReport(eval.comparison(), eval);
    }

    /** Writes the HTML page (UTF-8), creating parent folders. */
    public void writeHtml(Path file) throws IOException {
        createParent(file);
        Files.writeString(file, html(), StandardCharsets.UTF_8);
    }

    /** Writes the cost–quality frontier alone as a {@link #WIDTH}×{@link #HEIGHT} PNG, creating parent folders. */
    public void writePng(Path file) throws IOException {
        createParent(file);
        Files.write(file, BitmapEncoder.getBitmapBytes(frontierChart(WIDTH, HEIGHT), BitmapEncoder.BitmapFormat.PNG));
    }

    /** The whole page. */
    public String html() {
        RouterComparison.Result r = result;
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>thinkroute ").append(eval == null ? "compare" : "eval").append(": ").append(esc(r.dataset()))
                .append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>").append(eval == null ? "Router comparison" : "Evaluation").append(": ").append(esc(r.dataset())).append("</h1>\n");
        h.append("<dl class=\"facts\">\n");
        fact(h, "Dataset", esc(r.dataset()));
        fact(h, "Protocol", esc(r.protocol()));
        fact(h, eval == null ? "Held-out queries" : "Questions", Integer.toString(r.rows()));
        if (eval != null) {
            fact(h, "Answers", esc(eval.mode()) + (eval.mode().equals("replay") ? " (recorded outcomes)" : " (asked through the upstream clients)"));
            int failed = eval.contestants().stream().mapToInt(dev.thinkroute.eval.run.Evaluation.Summary::failed).sum();
            fact(h, "Not evaluated", eval.skipped().size() + " dataset rows skipped, " + failed + " failed answers over all contestants");
        }
        fact(h, "Arms", esc(String.valueOf(r.arms().size())) + " (cheapest first): " + esc(String.join(", ", r.arms())));
        if (r.gap() != null) {
            fact(h, "Performance gap", "weak = " + esc(arm(r.gap().weakArm())) + " (" + num(r.gap().weakQuality(), 4) + " at " + usd(r.gap().weakCost())
                    + "), strong = " + esc(arm(r.gap().strongArm())) + " (" + num(r.gap().strongQuality(), 4) + " at " + usd(r.gap().strongCost()) + ")");
        }
        fact(h, "AIQ cost range", usd(r.cMin()) + " – " + usd(r.cMax()) + " per query");
        h.append("</dl>\n");

        h.append("<h2>Summary</h2>\n");
        table(h);
        h.append("<p class=\"note\">Routers are shown at the peak of their α sweep (best quality, cheapest of equals). APGR and CPT use weak = the cheapest arm "
                + "and strong = the best single arm; CPT is in normalised cost (0 = weak's cost, 1 = strong's). AIQ is the area under the "
                + "non-decreasing convex hull over the AIQ cost range, divided by its width; \"match best\" is the least mean cost at which a "
                + "router reaches the best single arm's quality. Random routing mixes single arms on their convex hull, so its APGR is 0.5 "
                + "and its CPT(p) is p by construction. " + DASH + " = undefined.</p>\n");

        h.append("<h2>Cost–quality frontier</h2>\n");
        h.append(img(frontierChart(WIDTH, HEIGHT), "Cost–quality frontier of " + r.dataset()));
        h.append("<p class=\"note\">Each router's α sweep (α = 0 spends freely; larger α trades quality for cost). The dashed line is "
                + "the convex hull of the single arms (what random mixing of them reaches); the cost axis is logarithmic when the arms' "
                + "costs span more than " + (int) LOG_SPAN + "×.</p>\n");

        RouterComparison.RouterResult best = bestRouter();
        if (best != null && best.sweep().size() > 1) { // shares over α need more than one α
            h.append("<h2>Arm shares of ").append(esc(best.kind())).append(" (best router by AIQ)</h2>\n");
            h.append(img(shareChart(best, WIDTH, 520), "Share of calls to each arm over α for " + best.kind()));
            h.append("<p class=\"note\">Stacked share of calls sent to each arm as α grows (log scale; α = 0 drawn at the smallest positive α). "
                    + "Arms never chosen are left out.</p>\n");
        }
        if (eval != null) EvalSections.append(h, eval, result);
        details(h);
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    // ---------------------------------------------------------------- table

    private void table(StringBuilder h) {
        RouterComparison.Result r = result;
        double bestSingle = r.singleArms().stream().mapToDouble(RouterRun::accuracy).filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
        h.append("<div class=\"wide\"><table class=\"summary\">\n<thead><tr><th class=\"name\">router</th><th>quality</th><th>cost / query</th><th>APGR</th>"
                + "<th>CPT50</th><th>CPT80</th><th>AIQ</th><th>AIQ / oracle</th><th>cost to match best</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < r.singleArms().size(); i++) {
            RouterRun s = r.singleArms().get(i);
            boolean isBest = s.accuracy() == bestSingle;
            row(h, isBest ? "single best" : "single", "always " + singleName(s, i) + (isBest ? " (best single)" : ""),
                    num(s.accuracy(), 4), usd(s.meanCost()), "", "", "", "", "", isBest ? usd(s.meanCost()) : "");
        }
        double randomShare = r.aiqOracle() > 0 ? r.aiqRandom() / r.aiqOracle() : Double.NaN;
        row(h, "baseline", "random (best mix of single arms)", "", "", num(0.5, 3), pct(0.5), pct(0.8), num(r.aiqRandom(), 4),
                num(randomShare, 3), "");
        row(h, "baseline", "oracle", r.oracle() == null ? DASH : num(r.oracle().accuracy(), 4), r.oracle() == null ? DASH : usd(r.oracle().meanCost()),
                "", "", "", num(r.aiqOracle(), 4), r.aiqOracle() > 0 ? num(1.0, 3) : DASH, "");
        RouterComparison.RouterResult best = bestRouter();
        for (RouterComparison.RouterResult rr : r.routers()) {
            RouterComparison.Metrics m = rr.metrics();
            row(h, rr == best ? "router best" : "router", rr.kind() + (rr == best ? " (best AIQ)" : ""), num(m.peakQuality(), 4), usd(m.costAtPeak()),
                    num(m.apgr(), 3), pct(m.cpt50()), pct(m.cpt80()), num(m.aiq(), 4), num(m.aiqShareOfOracle(), 3), usd(m.costToMatchBest()));
            if (rr.calibrated() != null) {
                RouterComparison.Calibrated c = rr.calibrated();
                row(h, "calibrated", rr.kind() + " calibrated (α=" + num(c.alpha(), 4) + ", " + c.target() + (c.met() ? "" : ", not met on train")
                        + ", strong share " + num(c.strongShare(), 2) + ")", num(c.quality(), 4), usd(c.meanCost()), "", "", "", "", "", "");
            }
        }
        h.append("</tbody>\n</table></div>\n");
    }

    private static void row(StringBuilder h, String cls, String name, String... cells) {
        h.append("<tr class=\"").append(cls).append("\"><td class=\"name\">").append(esc(name)).append("</td>");
        for (String c : cells) h.append("<td>").append(esc(c)).append("</td>");
        h.append("</tr>\n");
    }

    private void details(StringBuilder h) {
        if (result.routers().isEmpty()) return;
        h.append("<h2>Routers</h2>\n<table class=\"details\">\n<thead><tr><th class=\"name\">router</th><th>peak quality</th><th>cost at peak</th>"
                + "<th>APGR by strong share</th><th>training</th><th class=\"name\">hyper-parameters</th></tr></thead>\n<tbody>\n");
        for (RouterComparison.RouterResult rr : result.routers()) {
            RouterComparison.Metrics m = rr.metrics();
            h.append("<tr><td class=\"name\">").append(esc(rr.kind())).append("</td><td>").append(num(m.peakQuality(), 4)).append("</td><td>")
                    .append(usd(m.costAtPeak())).append("</td><td>").append(num(m.apgrByStrongShare(), 3)).append("</td><td>")
                    .append(millis(rr.trainMillis())).append("</td><td class=\"name hyper\">").append(esc(rr.hyperParameters() == null ? "" : rr.hyperParameters()))
                    .append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n");
    }

    // ---------------------------------------------------------------- charts

    /** The cost–quality plane: router sweeps, single arms, the random-mix hull and the oracle. */
    XYChart frontierChart(int width, int height) {
        headless();
        RouterComparison.Result r = result;
        XYChart chart = new XYChartBuilder().width(width).height(height).title(r.dataset() + ": cost vs quality")
                .xAxisTitle("mean cost per query (USD)").yAxisTitle("quality (mean score)").build();
        style(chart);
        List<Frontier.Point> arms = new ArrayList<>();
        for (int i = 0; i < r.singleArms().size(); i++) {
            RouterRun s = r.singleArms().get(i);
            arms.add(new Frontier.Point(s.meanCost(), s.accuracy(), shortName(singleName(s, i))));
        }
        List<Frontier.Point> validArms = arms.stream().filter(p -> finite(p.cost()) && finite(p.quality())).toList();
        boolean log = logScale(validArms.stream().mapToDouble(Frontier.Point::cost).toArray());
        chart.getStyler().setXAxisLogarithmic(log);
        chart.getStyler().setXAxisDecimalPattern("$0.######");

        // What must be drawn, to size the axes and keep every point positive on a log axis.
        List<double[]> all = new ArrayList<>();
        int colour = 0;
        for (RouterComparison.RouterResult rr : r.routers()) {
            List<double[]> pts = sweepPoints(rr.sweep(), log);
            Color c = PALETTE[colour++ % PALETTE.length];
            if (pts.isEmpty()) continue;
            XYSeries s = chart.addSeries(unique(chart, rr.kind()), xs(pts), ys(pts));
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineColor(c);
            s.setMarkerColor(c);
            s.setLineWidth(1.6f);
            all.addAll(pts);
        }
        List<Frontier.Point> hull = Frontier.convexHull(validArms);
        if (hull.size() >= 2) {
            // A random mix is linear in cost, which is a curve on a log axis: draw each hull edge through many points.
            List<double[]> line = new ArrayList<>();
            for (int i = 0; i < hull.size(); i++) {
                Frontier.Point b = hull.get(i);
                if (i > 0 && log) {
                    Frontier.Point a = hull.get(i - 1);
                    for (int k = 1; k < 40; k++) {
                        double t = k / 40.0;
                        line.add(new double[]{a.cost() + (b.cost() - a.cost()) * t, a.quality() + (b.quality() - a.quality()) * t});
                    }
                }
                line.add(new double[]{b.cost(), b.quality()});
            }
            XYSeries s = chart.addSeries(unique(chart, "random mix (hull of arms)"), xs(line), ys(line));
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(Color.DARK_GRAY);
            s.setLineStyle(new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{7f, 5f}, 0f));
        }
        List<Frontier.Point> armPts = validArms.stream().filter(p -> !log || p.cost() > 0).toList();
        if (!armPts.isEmpty()) {
            XYSeries s = chart.addSeries(unique(chart, "single arms"), armPts.stream().mapToDouble(Frontier.Point::cost).toArray(),
                    armPts.stream().mapToDouble(Frontier.Point::quality).toArray());
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.SQUARE);
            s.setMarkerColor(Color.BLACK);
            for (Frontier.Point p : armPts) all.add(new double[]{p.cost(), p.quality()});
        }
        if (r.oracle() != null && finite(r.oracle().meanCost()) && finite(r.oracle().accuracy()) && (!log || r.oracle().meanCost() > 0)) {
            XYSeries s = chart.addSeries(unique(chart, "oracle"), new double[]{r.oracle().meanCost()}, new double[]{r.oracle().accuracy()});
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.DIAMOND);
            s.setMarkerColor(new Color(0xc00000));
            all.add(new double[]{r.oracle().meanCost(), r.oracle().accuracy()});
        }
        if (all.isEmpty()) {
            XYSeries s = chart.addSeries("no data", new double[]{0}, new double[]{0});
            s.setMarker(SeriesMarkers.NONE);
            return chart;
        }
        double yMin = all.stream().mapToDouble(p -> p[1]).min().orElse(0), yMax = all.stream().mapToDouble(p -> p[1]).max().orElse(1);
        double yPad = Math.max((yMax - yMin) * 0.08, 0.01);
        chart.getStyler().setYAxisMin(yMin - yPad);
        chart.getStyler().setYAxisMax(yMax + yPad);
        double xMin = all.stream().mapToDouble(p -> p[0]).min().orElse(0), xMax = all.stream().mapToDouble(p -> p[0]).max().orElse(1);
        if (log) {
            chart.getStyler().setXAxisMin(xMin / 1.6);
            chart.getStyler().setXAxisMax(xMax * 1.6);
        } else {
            double xPad = Math.max((xMax - xMin) * 0.06, Math.abs(xMax) * 0.01 + 1e-12);
            chart.getStyler().setXAxisMin(Math.max(0, xMin - xPad));
            chart.getStyler().setXAxisMax(xMax + xPad);
        }
        // Labels of the single arms, just above (or, near the top, below) each point.
        double yRange = (yMax + yPad) - (yMin - yPad);
        for (Frontier.Point p : armPts) {
            double dy = p.quality() + yRange * 0.045 > yMax + yPad ? -yRange * 0.04 : yRange * 0.035;
            chart.addAnnotation(new AnnotationText(p.label(), p.cost(), p.quality() + dy, false));
        }
        return chart;
    }

    /** Stacked share of calls to each arm over α, for one router. */
    XYChart shareChart(RouterComparison.RouterResult router, int width, int height) {
        headless();
        XYChart chart = new XYChartBuilder().width(width).height(height).title(router.kind() + ": share of calls per arm over α")
                .xAxisTitle("α (cost weight, log scale)").yAxisTitle("share of calls (stacked)").build();
        style(chart);
        List<AlphaSweep.Point> sweep = router.sweep().stream().filter(p -> finite(p.alpha()) && p.armShare() != null)
                .sorted(Comparator.comparingDouble(AlphaSweep.Point::alpha)).toList();
        double minPositive = sweep.stream().mapToDouble(AlphaSweep.Point::alpha).filter(a -> a > 0).min().orElse(Double.NaN);
        boolean log = finite(minPositive);
        chart.getStyler().setXAxisLogarithmic(log);
        chart.getStyler().setXAxisDecimalPattern("0.####");
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setYAxisDecimalPattern("0%");
        int arms = result.arms().size();
        double[] x = new double[sweep.size()];
        for (int i = 0; i < sweep.size(); i++) x[i] = log && sweep.get(i).alpha() <= 0 ? minPositive : sweep.get(i).alpha();
        // Arms ever chosen, cheapest first; band k spans [sum of shares below k, sum up to k].
        List<Integer> used = new ArrayList<>();
        for (int a = 0; a < arms; a++) {
            final int arm = a;
            if (sweep.stream().anyMatch(p -> arm < p.armShare().length && p.armShare()[arm] > 0)) used.add(a);
        }
        if (sweep.isEmpty() || used.isEmpty()) {
            XYSeries s = chart.addSeries("no data", new double[]{1}, new double[]{0});
            s.setMarker(SeriesMarkers.NONE);
            return chart;
        }
        // XChart fills each Area series down to the axis, so draw the cumulative sums from the top band down, opaque.
        for (int k = used.size() - 1; k >= 0; k--) {
            double[] y = new double[sweep.size()];
            for (int i = 0; i < sweep.size(); i++) {
                double[] share = sweep.get(i).armShare();
                double sum = 0;
                for (int j = 0; j <= k; j++) {
                    int a = used.get(j);
                    if (a < share.length && finite(share[a])) sum += share[a];
                }
                y[i] = Math.min(1, sum);
            }
            int a = used.get(k);
            Color c = PALETTE[a % PALETTE.length];
            XYSeries s = chart.addSeries(unique(chart, shortName(a < result.arms().size() ? result.arms().get(a) : "arm " + a)), x, y);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
            s.setMarker(SeriesMarkers.NONE);
            s.setFillColor(c);
            s.setLineColor(c);
            s.setLineWidth(3f);
        }
        return chart;
    }

    private static void style(XYChart chart) {
        style(chart.getStyler());
        chart.getStyler().setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        chart.getStyler().setAnnotationTextFontColor(new Color(0x222222));
        chart.getStyler().setMarkerSize(5);
    }

    /** The look every chart of the report shares (EvalSections' bar charts too). */
    static void style(AxesChartStyler st) {
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotBorderColor(new Color(0xbbbbbb));
        st.setLegendBorderColor(new Color(0xdddddd));
        st.setLegendPosition(Styler.LegendPosition.OutsideE);
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        st.setAntiAlias(true);
        st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        st.setPlotGridLinesColor(new Color(0xe6e6e6));
    }

    /** Distinct (cost, quality) points of a sweep in α order; positive costs only on a log axis. */
    private static List<double[]> sweepPoints(List<AlphaSweep.Point> sweep, boolean log) {
        List<double[]> pts = new ArrayList<>();
        if (sweep == null) return pts;
        for (AlphaSweep.Point p : sweep.stream().sorted(Comparator.comparingDouble(AlphaSweep.Point::alpha)).toList()) {
            if (!finite(p.meanCost()) || !finite(p.quality()) || (log && p.meanCost() <= 0)) continue;
            if (!pts.isEmpty() && pts.getLast()[0] == p.meanCost() && pts.getLast()[1] == p.quality()) continue;
            pts.add(new double[]{p.meanCost(), p.quality()});
        }
        return pts;
    }

    static boolean logScale(double[] armCosts) {
        double min = Double.POSITIVE_INFINITY, max = 0;
        for (double c : armCosts) {
            if (!finite(c)) continue;
            if (c <= 0) return false;
            min = Math.min(min, c);
            max = Math.max(max, c);
        }
        return max > 0 && max / min > LOG_SPAN;
    }

    private static String unique(XYChart chart, String name) {
        String n = name.isBlank() ? "?" : name;
        String candidate = n;
        for (int i = 2; chart.getSeries(candidate) != null; i++) candidate = n + " (" + i + ")";
        return candidate;
    }

    private static double[] xs(List<double[]> pts) {
        return pts.stream().mapToDouble(p -> p[0]).toArray();
    }

    private static double[] ys(List<double[]> pts) {
        return pts.stream().mapToDouble(p -> p[1]).toArray();
    }

    static String img(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, String alt) {
        return "<figure><img alt=\"" + esc(alt) + "\" width=\"" + chart.getWidth() + "\" src=\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(pngAt2x(chart)) + "\"></figure>\n";
    }

    /** PNG at twice the pixel density (crisp on high-DPI screens), displayed at the chart's size. */
    private static byte[] pngAt2x(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
        try {
            Path tmp = Files.createTempFile("thinkroute-chart", ".png");
            try {
                BitmapEncoder.saveBitmapWithDPI(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG, 144);
                return Files.readAllBytes(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            try {
                return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
            } catch (IOException again) {
                throw new UncheckedIOException(again);
            }
        }
    }

    static void headless() {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    // ---------------------------------------------------------------- helpers

    /** The router with the highest AIQ (NaN last), or null when there is none. */
    RouterComparison.RouterResult bestRouter() {
        RouterComparison.RouterResult best = null;
        // A share-over-α chart needs a sweep: single points (a profile, one α) compete only when there is nothing else.
        boolean anySweep = result.routers().stream().anyMatch(rr -> rr.sweep().size() > 1);
        for (RouterComparison.RouterResult rr : result.routers()) {
            if (anySweep && rr.sweep().size() < 2) continue;
            double aiq = rr.metrics() == null ? Double.NaN : rr.metrics().aiq();
            if (best == null || (finite(aiq) && (!finite(best.metrics().aiq()) || aiq > best.metrics().aiq()))) best = rr;
        }
        return best;
    }

    private String singleName(RouterRun s, int index) {
        List<Double> share = s.armShare();
        for (int a = 0; a < share.size() && a < result.arms().size(); a++) if (share.get(a) == 1.0) return result.arms().get(a);
        return index < result.arms().size() ? result.arms().get(index) : "arm " + index;
    }

    private String arm(int index) {
        return index >= 0 && index < result.arms().size() ? result.arms().get(index) : "?";
    }

    /** A label for a plot: without a provider prefix, and without ":off" (thinking off) when every arm has it. */
    String shortName(String arm) {
        String s = arm;
        boolean allOff = result.arms().stream().allMatch(a -> a.endsWith(":off"));
        if (allOff && s.endsWith(":off")) s = s.substring(0, s.length() - 4);
        int slash = s.lastIndexOf('/');
        if (slash >= 0 && slash < s.length() - 1) s = s.substring(slash + 1);
        return s.length() <= 32 ? s : s.substring(0, 31) + "…";
    }

    private static void fact(StringBuilder h, String name, String escapedValue) {
        h.append("<dt>").append(esc(name)).append("</dt><dd>").append(escapedValue).append("</dd>\n");
    }

    static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String num(double v, int decimals) {
        return finite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : DASH;
    }

    static String pct(double v) {
        return finite(v) ? String.format(Locale.ROOT, "%.0f%%", v * 100) : DASH;
    }

    /** US dollars to three significant figures, plain (no exponent): $0.00399, $0.0000907, $1.88. */
    static String usd(double v) {
        if (!finite(v)) return DASH;
        if (v == 0) return "$0";
        return "$" + new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private static String millis(long ms) {
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private static boolean finite(double v) {
        return !Double.isNaN(v) && !Double.isInfinite(v);
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
    }

    private static final String CSS = """
            body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #222; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; line-height: 1.45; }
            h1 { font-size: 1.6rem; margin-bottom: .5rem; }
            h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
            dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
            dl.facts dt { font-weight: 600; color: #555; }
            dl.facts dd { margin: 0; }
            table { border-collapse: collapse; font-size: .92rem; margin: .5rem 0; }
            div.wide { overflow-x: auto; max-width: 100%; }
            div.wide table { font-size: .85rem; }
            th, td { padding: .3rem .6rem; border-bottom: 1px solid #e5e5e5; text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
            th { background: #f4f4f4; font-weight: 600; }
            th.name, td.name { text-align: left; }
            td.hyper { white-space: normal; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .8rem; max-width: 40rem; }
            tr.single td { color: #444; }
            tr.single.best td { font-weight: 600; }
            tr.baseline td { background: #fafafa; font-style: italic; }
            tr.router.best td { background: #eef6ee; font-weight: 600; }
            tr.calibrated td { color: #555; font-size: .85rem; }
            tr.calibrated td.name { padding-left: 1.6rem; }
            figure { margin: 1rem 0; }
            figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
            p.note { color: #555; font-size: .88rem; max-width: 60rem; }
            """;
}
