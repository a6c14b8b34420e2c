package dev.thinkroute.eval.report;

import dev.thinkroute.eval.run.Evaluation;
import dev.thinkroute.learn.report.RouterComparison;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.thinkroute.eval.report.HtmlReport.esc;
import static dev.thinkroute.eval.report.HtmlReport.num;
import static dev.thinkroute.eval.report.HtmlReport.pct;
import static dev.thinkroute.eval.report.HtmlReport.usd;

/**
 * The parts of an {@code eval} page a {@code compare} page lacks: per contestant, what it answered and how (scored,
 * unparsed, failed), where its calls went (arm shares, thinking rate), and what they cost in tokens and time.
 */
final class EvalSections {

    private static final int WIDTH = 1000;

    private EvalSections() {
    }

    static void append(StringBuilder h, EvalReport eval, RouterComparison.Result comparison) {
        List<Evaluation.Summary> shown = eval.shown();
        if (shown.isEmpty()) return;
        boolean f1 = shown.stream().anyMatch(s -> !Double.isNaN(s.f1()));
        h.append("<h2>Contestants</h2>\n<div class=\"wide\"><table class=\"summary\">\n<thead><tr><th class=\"name\">contestant</th><th>quality</th>"
                + (f1 ? "<th>EM</th><th>F1</th>" : "") + "<th>cost / query</th><th>random at same cost</th><th>strong share</th><th>thinking rate</th><th>scored</th>"
                + "<th>unparsed</th><th>failed</th><th>output tokens p50 / p90</th><th>reasoning tokens (mean)</th>"
                + "<th>latency p50 / p90 / p99</th></tr></thead>\n<tbody>\n");
        for (Evaluation.Summary s : shown) {
            String cls = s.kind() == Evaluation.Kind.ARM ? "single" : "router";
            h.append("<tr class=\"").append(cls).append(s.failed() > 0 ? " failed" : "").append("\"><td class=\"name\">").append(esc(s.name())).append("</td>");
            cell(h, num(s.quality(), 4));
            if (f1) {
                cell(h, num(s.em(), 4));
                cell(h, num(s.f1(), 4));
            }
            cell(h, usd(s.meanCost()));
            cell(h, s.kind() == Evaluation.Kind.ARM ? "" : num(s.randomAtCost(), 4));
            cell(h, pct(s.strongShare()));
            cell(h, pct(s.thinkingRate()));
            cell(h, Integer.toString(s.scored()));
            cell(h, Integer.toString(s.unparsed()));
            cell(h, Integer.toString(s.failed()));
            cell(h, num(s.outputTokens().p50(), 0) + " / " + num(s.outputTokens().p90(), 0));
            cell(h, num(s.reasoningTokens().mean(), 0));
            cell(h, s.latencyMs().n() == 0 ? "not recorded"
                    : num(s.latencyMs().p50(), 0) + " / " + num(s.latencyMs().p90(), 0) + " / " + num(s.latencyMs().p99(), 0) + " ms");
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table></div>\n<p class=\"note\">Quality and cost are over the answered questions. <b>Unparsed</b>: the model answered "
                + "but no final answer could be read; judged wrong and counted apart. <b>Failed</b>: no answer at all (the call failed after "
                + "its retries, the record lacks the chosen arm, or the router threw); never scored, left out of quality. Random at same cost "
                + "mixes the neighbouring single arms to spend the contestant's mean cost. Strong share: calls to the dearest arm; thinking "
                + "rate: calls to arms with thinking on.</p>\n");

        if (!eval.multiRound().isEmpty()) {
            h.append("<h2>Multi-round</h2>\n<div class=\"wide\"><table class=\"summary\">\n<thead><tr><th class=\"name\">contestant</th>"
                    + "<th>sub-questions / question</th><th>size-weighted cost / question</th><th>how loops ended</th></tr></thead>\n<tbody>\n");
            for (EvalReport.MultiRound m : eval.multiRound()) {
                h.append("<tr class=\"router\"><td class=\"name\">").append(esc(m.contestant())).append("</td>");
                cell(h, num(m.meanSubQuestions(), 2));
                cell(h, num(m.meanSizeWeighted(), 0));
                cell(h, m.stops().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", ")));
                h.append("</tr>\n");
            }
            h.append("</tbody>\n</table></div>\n<p class=\"note\">A multi-round contestant (the Router-R1 loop) answers with its own calls: "
                    + "its cost counts every policy turn and every sub-question, and its shares above are the shares of the sub-questions each "
                    + "arm answered. Size-weighted cost is the Router-R1 paper's: the asked models' output tokens × their billions of parameters. "
                    + "Every call of every loop is in the answers CSV and the trajectories JSONL.</p>\n");
        }

        h.append("<h2>Where the calls went</h2>\n");
        h.append(HtmlReport.img(shareChart(shown, comparison.arms()), "Share of calls to each arm per contestant"));

        h.append("<h2>Tokens</h2>\n");
        h.append(HtmlReport.img(statsChart(shown, "output tokens per answer (reasoning included)", "tokens",
                s -> s.outputTokens()), "Output tokens per contestant"));
        boolean reasoning = shown.stream().anyMatch(s -> s.reasoningTokens().mean() > 0);
        if (reasoning) {
            h.append(HtmlReport.img(statsChart(shown, "reasoning tokens per answer", "tokens", Evaluation.Summary::reasoningTokens),
                    "Reasoning tokens per contestant"));
        } else {
            h.append("<p class=\"note\">No reasoning tokens were reported for these answers.</p>\n");
        }
        h.append("<h2>Latency</h2>\n");
        if (shown.stream().anyMatch(s -> s.latencyMs().n() > 0)) {
            h.append(HtmlReport.img(statsChart(shown, "latency per answer", "ms", Evaluation.Summary::latencyMs), "Latency per contestant"));
            h.append("<p class=\"note\">Latency of the answering call, retries' backoff excluded.</p>\n");
        } else {
            h.append("<p class=\"note\">The recorded outcomes carry no latency, so none is shown.</p>\n");
        }
        List<String> problems = new ArrayList<>();
        eval.skipped().stream().limit(20).forEach(s -> problems.add("dataset row skipped: " + s));
        for (Evaluation.Summary s : eval.contestants()) {
            if (s.failed() > 0 && problems.size() < 40) problems.add(s.name() + ": " + s.failed() + " failed, e.g. " + s.firstError());
        }
        if (!problems.isEmpty()) {
            h.append("<h2>Not evaluated</h2>\n<ul class=\"problems\">\n");
            for (String p : problems) h.append("<li>").append(esc(p)).append("</li>\n");
            h.append("</ul>\n");
        }
    }

    private static void cell(StringBuilder h, String text) {
        h.append("<td>").append(esc(text)).append("</td>");
    }

    /** One stacked bar per contestant: the share of its answered calls each arm got. */
    static CategoryChart shareChart(List<Evaluation.Summary> shown, List<String> arms) {
        HtmlReport.headless();
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(460).title("share of calls per arm")
                .xAxisTitle("").yAxisTitle("share of answered calls").build();
        style(chart);
        chart.getStyler().setStacked(true);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setYAxisDecimalPattern("0%");
        List<String> names = shown.stream().map(s -> shorten(s.name())).toList();
        int colour = 0;
        boolean any = false;
        for (String arm : arms) {
            List<Double> y = shown.stream().map(s -> {
                Double v = s.armShare().get(arm);
                return v == null || v.isNaN() ? 0.0 : v;
            }).toList();
            Color c = HtmlReport.PALETTE[colour++ % HtmlReport.PALETTE.length];
            if (y.stream().allMatch(v -> v == 0)) continue;
            CategorySeries series = chart.addSeries(arm, names, y);
            series.setFillColor(c);
            any = true;
        }
        if (!any) chart.addSeries("no answers", names, names.stream().map(n -> 0.0).toList());
        return chart;
    }

    /** Grouped bars of a distribution's p10, median and p90 (and p99) per contestant. */
    static CategoryChart statsChart(List<Evaluation.Summary> shown, String title, String unit,
                                    Function<Evaluation.Summary, Evaluation.Stats> of) {
        HtmlReport.headless();
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(420).title(title).xAxisTitle("").yAxisTitle(unit).build();
        style(chart);
        List<String> names = shown.stream().map(s -> shorten(s.name())).toList();
        String[] labels = {"p10", "median", "p90", "p99"};
        Color[] colours = {new Color(0x9ecae1), new Color(0x3182bd), new Color(0x08519c), new Color(0x08306b)};
        for (int k = 0; k < labels.length; k++) {
            int kk = k;
            List<Double> y = shown.stream().map(s -> {
                Evaluation.Stats st = of.apply(s);
                double v = switch (kk) {
                    case 0 -> st.p10();
                    case 1 -> st.p50();
                    case 2 -> st.p90();
                    default -> st.p99();
                };
                return Double.isNaN(v) ? 0.0 : v;
            }).toList();
            chart.addSeries(labels[k], names, y).setFillColor(colours[k]);
        }
        return chart;
    }

    private static void style(CategoryChart chart) {
        HtmlReport.style(chart.getStyler());
        chart.getStyler().setXAxisLabelRotation(30);
    }

    private static String shorten(String name) {
        return name.length() <= 28 ? name : name.substring(0, 27) + "…";
    }
}
