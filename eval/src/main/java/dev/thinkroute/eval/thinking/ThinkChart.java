package dev.thinkroute.eval.thinking;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** AdaCoT's plot for one model: quality against the share of queries sent the expensive way, per strategy. */
public final class ThinkChart {

    private ThinkChart() {
    }

    /** Writes a PNG of the Pareto curves of the given strategies, random mixing, both arms and the oracle. */
    public static void writePng(ThinkingStudy.SizeResult r, List<String> strategies, double delta, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(1000).height(640)
                .title(r.model() + ": quality vs share of expensive calls (held out)")
                .xAxisTitle("share of queries thinking / escalated").yAxisTitle("quality (share correct)").build();
        chart.getStyler().setMarkerSize(4);
        Color[] palette = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
                new Color(0x9467bd), new Color(0x8c564b)};
        int i = 0;
        for (String name : strategies) {
            ThinkingStudy.Strategy s = r.strategy(name);
            double[] xs = s.pareto().stream().mapToDouble(ThinkingStudy.Figures::rate).toArray();
            double[] ys = s.pareto().stream().mapToDouble(ThinkingStudy.Figures::quality).toArray();
            if (xs.length == 0) continue;
            XYSeries series = chart.addSeries(name, xs, ys);
            series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            series.setMarker(SeriesMarkers.NONE);
            series.setLineColor(palette[i++ % palette.length]);
        }
        XYSeries random = chart.addSeries("random at the same rate", new double[]{0, 1},
                new double[]{r.never().quality(), r.always().quality()});
        random.setMarker(SeriesMarkers.NONE);
        random.setLineColor(Color.DARK_GRAY);
        XYSeries floor = chart.addSeries("always think − δ", new double[]{0, 1},
                new double[]{r.always().quality() - delta, r.always().quality() - delta});
        floor.setMarker(SeriesMarkers.NONE);
        floor.setLineColor(Color.LIGHT_GRAY);
        XYSeries oracle = chart.addSeries("oracle", new double[]{r.oracle().rate()}, new double[]{r.oracle().quality()});
        oracle.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        oracle.setMarker(SeriesMarkers.DIAMOND);
        oracle.setMarkerColor(new Color(0xc00000));
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        Files.write(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    }
}
