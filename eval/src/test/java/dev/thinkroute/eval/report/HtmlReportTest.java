package dev.thinkroute.eval.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thinkroute.core.metric.Frontier;
import dev.thinkroute.core.metric.Gap;
import dev.thinkroute.core.metric.RouterRun;
import dev.thinkroute.learn.report.RouterComparison;
import dev.thinkroute.learn.train.AlphaSweep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class HtmlReportTest {

    static RouterRun single(int arm, int arms, double quality, double cost) {
        List<Double> share = new ArrayList<>();
        for (int a = 0; a < arms; a++) share.add(a == arm ? 1.0 : 0.0);
        return new RouterRun(100, 0, quality, cost, 50, 80, share, arm == arms - 1 ? 1.0 : 0.0, 0.0);
    }

    static List<AlphaSweep.Point> sweep(double cheap, double dear, double qCheap, double qDear) {
        List<AlphaSweep.Point> pts = new ArrayList<>();
        double[] alphas = {0, 0.001, 0.01, 0.1, 1, 10};
        for (int i = 0; i < alphas.length; i++) {
            double t = 1 - i / (alphas.length - 1.0); // share of the dear arm
            pts.add(new AlphaSweep.Point(alphas[i], qCheap + (qDear - qCheap) * Math.sqrt(t), cheap + (dear - cheap) * t,
                    new double[]{1 - t, t * 0.4, t * 0.6}));
        }
        return pts;
    }

    static RouterComparison.RouterResult router(String kind, double aiq, RouterComparison.Metrics m) {
        return new RouterComparison.RouterResult(kind, sweep(0.0001, 0.004, 0.6, 0.88), List.of(new Frontier.Point(0.001, 0.8)), m,
                null, "k=5", 1234);
    }

    static RouterComparison.Result small() {
        List<String> arms = List.of("cheap/model:off", "<b>x</b>", "dear-model:off");
        List<RouterRun> singles = List.of(single(0, 3, 0.60, 0.0001), single(1, 3, 0.75, 0.001), single(2, 3, 0.85, 0.004));
        RouterRun oracle = new RouterRun(100, 0, 0.93, 0.0014, 50, 80, List.of(0.7, 0.1, 0.2), 0.2, 0.0);
        RouterComparison.Metrics good = new RouterComparison.Metrics(0.80, 0.9, 0.62, 0.31, 0.7, 0.6, 0.88, 0.004, 0.002);
        RouterComparison.Metrics undefined = new RouterComparison.Metrics(0.78, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, 0.86, 0.004, Double.NaN);
        return new RouterComparison.Result("tiny & test", "5-fold cross-validation, seed 42", 100, arms, singles, oracle,
                new Gap(0, 2, 0.0001, 0.6, 0.004, 0.85), 0.74, 0.89, 0.0001, 0.004,
                List.of(router("knn", 0.8, good), router("mlp", 0.78, undefined)));
    }

    /** The page without its base64 images (whose text may hold any letters). */
    static String withoutImages(String html) {
        return html.replaceAll("data:image/png;base64,[A-Za-z0-9+/=]*", "data:");
    }

    @Test
    void htmlHasTheTableTheImagesAndNothingExternal(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/report.html");
        HtmlReport.of(small()).writeHtml(file);
        String html = Files.readString(file, StandardCharsets.UTF_8);

        assertThat(html).startsWith("<!DOCTYPE html>").contains("tiny &amp; test").contains("5-fold cross-validation, seed 42")
                .contains("<dd>100</dd>");
        // One row per single arm, the baselines and each router.
        assertThat(html).contains(">always cheap/model:off<", ">always &lt;b&gt;x&lt;/b&gt;<", ">always dear-model:off (best single)<",
                ">random (best mix of single arms)<", ">oracle<", ">knn (best AIQ)<", ">mlp<");
        assertThat(Pattern.compile("<tr class=").matcher(html).results().count()).isGreaterThanOrEqualTo(7);
        // Names are escaped: the raw tag never reaches the page.
        assertThat(html).doesNotContain("<b>x</b>");
        // NaN metrics print as a dash: mlp's APGR, CPT50, CPT80, AIQ share and cost to match best.
        Matcher mlp = Pattern.compile("<td class=\"name\">mlp</td>(.*?)</tr>").matcher(html);
        assertThat(mlp.find()).isTrue();
        assertThat(mlp.group(1)).doesNotContain("NaN").contains("<td>—</td>");
        assertThat(Pattern.compile("<td>—</td>").matcher(mlp.group(1)).results().count()).isEqualTo(5);
        assertThat(withoutImages(html)).doesNotContain("NaN");
        // Embedded plots (frontier and arm shares), no external references.
        assertThat(Pattern.compile("src=\"data:image/png;base64,").matcher(html).results().count()).isEqualTo(2);
        Matcher refs = Pattern.compile("(?:src|href)\\s*=\\s*\"([^\"]*)\"").matcher(html);
        while (refs.find()) assertThat(refs.group(1)).startsWith("data:").doesNotContain("http");
        assertThat(html).doesNotContainIgnoringCase("<link").doesNotContainIgnoringCase("<script");
        assertThat(html).contains("$0.004").contains("$0.0001");
    }

    @Test
    void writesTheFrontierAsAPng(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("frontier.png");
        HtmlReport.of(small()).writePng(png);
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes).startsWith(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(HtmlReport.WIDTH);
        assertThat(image.getHeight()).isEqualTo(HtmlReport.HEIGHT);
    }

    @Test
    void formatsNumbersAndPicksTheAxis() {
        assertThat(HtmlReport.usd(0.003987877)).isEqualTo("$0.00399");
        assertThat(HtmlReport.usd(9.069e-5)).isEqualTo("$0.0000907");
        assertThat(HtmlReport.usd(1.8766)).isEqualTo("$1.88");
        assertThat(HtmlReport.usd(Double.NaN)).isEqualTo("—");
        assertThat(HtmlReport.pct(0.5)).isEqualTo("50%");
        assertThat(HtmlReport.num(Double.NaN, 3)).isEqualTo("—");
        assertThat(HtmlReport.esc("<a href='x'>&\"")).isEqualTo("&lt;a href=&#39;x&#39;&gt;&amp;&quot;");
        assertThat(HtmlReport.logScale(new double[]{0.0001, 0.004})).isTrue();
        assertThat(HtmlReport.logScale(new double[]{0.001, 0.004})).isFalse();
        assertThat(HtmlReport.logScale(new double[]{0, 0.004})).isFalse();
    }

    @Test
    void handlesAResultWithoutRouters(@TempDir Path dir) throws Exception {
        RouterComparison.Result r = small();
        RouterComparison.Result bare = new RouterComparison.Result(r.dataset(), r.protocol(), r.rows(), r.arms(), r.singleArms(), r.oracle(),
                r.gap(), r.aiqRandom(), Double.NaN, r.cMin(), r.cMax(), List.of());
        String html = HtmlReport.of(bare).html();
        assertThat(withoutImages(html)).contains(">oracle<").doesNotContain("NaN");
        assertThat(Pattern.compile("data:image/png;base64,").matcher(html).results().count()).isEqualTo(1);
        HtmlReport.of(bare).writePng(dir.resolve("f.png"));
        assertThat(dir.resolve("f.png")).exists();
    }

    /**
     * Reads back the JSON that {@code thinkroute compare} wrote (the records round-trip through Jackson) and renders
     * each to target/thinkroute-report for a look by eye; skipped when no compare has been run in this checkout.
     */
    @Test
    void rendersRealReportsWhenPresent() throws Exception {
        Path reports = Path.of(System.getProperty("thinkroute.reports", "../target/reports"));
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(reports), "no compare reports in " + reports.toAbsolutePath());
        ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        Path out = Path.of("target", "thinkroute-report");
        try (var files = Files.list(reports)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("compare-.*\\.json")).sorted().toList()) {
                RouterComparison.Result r = json.readValue(f.toFile(), RouterComparison.Result.class);
                String base = f.getFileName().toString().replace(".json", "");
                HtmlReport report = HtmlReport.of(r);
                report.writeHtml(out.resolve(base + ".html"));
                report.writePng(out.resolve(base + ".png"));
                assertThat(withoutImages(report.html())).doesNotContain("NaN");
            }
        }
    }
}
