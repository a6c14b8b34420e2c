package dev.thinkroute.eval.report;

import static dev.thinkroute.eval.run.EvaluationTest.BIG;
import static dev.thinkroute.eval.run.EvaluationTest.MID;
import static dev.thinkroute.eval.run.EvaluationTest.SMALL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.thinkroute.core.Decision;
import dev.thinkroute.core.Reason;
import dev.thinkroute.core.route.Router;
import dev.thinkroute.eval.run.Evaluation;
import dev.thinkroute.eval.run.EvaluationTest;
import dev.thinkroute.learn.report.RouterComparison;
import dev.thinkroute.learn.train.AlphaSweep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link EvalReport} and the eval page, from a replay of {@link EvaluationTest}'s hand-made table. */
class EvalReportTest {

    static final Offset<Double> EPS = within(1e-12);
    static final Set<String> SWEEPS = Set.of("learned");

    @TempDir
    Path dir;

    static Evaluation.Contestant router(String name, String group, Double alpha, Router router) {
        return new Evaluation.Contestant(name, group, Evaluation.Kind.ROUTER, alpha, i -> router);
    }

    /**
     * Three single arms; "by text"; "throwing" (throws on the riddle); "learned" swept at α 0.05, 0.5, 2 (big, by text,
     * small); "fixed α=0.5", a router without constraints given an α (all 8 failed). No recorded latency.
     */
    static Evaluation.Result replay() {
        Router throwing = q -> {
            if (q.text().contains("riddle")) throw new IllegalStateException("boom on riddle");
            return new Decision(SMALL, new Reason.ProfileRule("t", "small"));
        };
        Router fixed = q -> new Decision(BIG, new Reason.ProfileRule("t", "big"));
        EvaluationTest.AlphaRouter learned = new EvaluationTest.AlphaRouter();
        return Evaluation.replay("tiny", EvaluationTest.matrix(), null, List.of(
                Evaluation.Contestant.always(SMALL), Evaluation.Contestant.always(MID), Evaluation.Contestant.always(BIG),
                router("by text", "by text", null, EvaluationTest.BY_TEXT), router("throwing", "throwing", null, throwing),
                router("learned α=0.05", "learned", 0.05, learned), router("learned α=0.5", "learned", 0.5, learned),
                router("learned α=2", "learned", 2.0, learned), router("fixed α=0.5", "fixed α=0.5", 0.5, fixed)));
    }

    static List<Map<String, String>> readCsv(Path file) throws IOException {
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile())) {
            return it.readAll();
        }
    }

    static List<String> header(Path file) throws IOException {
        return List.of(Files.readAllLines(file, StandardCharsets.UTF_8).getFirst().split(",", -1));
    }

    static void assertNum(String text, double expected, String what) {
        if (Double.isNaN(expected)) assertThat(text).as(what).isEmpty();
        else assertThat(Double.parseDouble(text)).as(what).isEqualTo(expected);
    }

    @Test
    void csvHasTheDocumentedColumnsAndOneRowPerContestantThatParsesBack() throws IOException {
        Evaluation.Result r = replay();
        EvalReport report = EvalReport.of(r, "replay of a hand-made table", SWEEPS);
        Path csv = dir.resolve("out/eval.csv");
        report.writeCsv(csv);

        List<String> expectedHeader = new ArrayList<>(EvalReport.CSV_COLUMNS);
        expectedHeader.addAll(List.of("share:small:off", "share:mid:on", "share:big:off"));
        assertThat(header(csv)).isEqualTo(expectedHeader);

        List<Map<String, String>> rows = readCsv(csv);
        assertThat(rows).hasSize(9); // sweep members included
        for (int c = 0; c < rows.size(); c++) {
            Map<String, String> row = rows.get(c);
            Evaluation.Summary s = r.summaries().get(c);
            assertThat(row.get("contestant")).isEqualTo(s.name());
            assertThat(row.get("group")).isEqualTo(s.group());
            assertThat(row.get("kind")).isEqualTo(s.kind().name().toLowerCase());
            if (s.alpha() == null) assertThat(row.get("alpha")).isEmpty();
            else assertThat(Double.parseDouble(row.get("alpha"))).isEqualTo(s.alpha());
            assertThat(Integer.parseInt(row.get("questions"))).isEqualTo(8);
            assertThat(Integer.parseInt(row.get("scored"))).isEqualTo(s.scored());
            assertThat(Integer.parseInt(row.get("unparsed"))).isEqualTo(s.unparsed());
            assertThat(Integer.parseInt(row.get("failed"))).isEqualTo(s.failed());
            assertNum(row.get("quality"), s.quality(), s.name() + " quality");
            assertNum(row.get("mean_cost_usd"), s.meanCost(), s.name() + " mean cost");
            assertNum(row.get("total_cost_usd"), s.totalCost(), s.name() + " total cost");
            assertNum(row.get("strong_share"), s.strongShare(), s.name() + " strong share");
            assertNum(row.get("thinking_rate"), s.thinkingRate(), s.name() + " thinking rate");
            assertNum(row.get("random_at_same_cost"), s.randomAtCost(), s.name() + " random");
            assertNum(row.get("input_tokens_mean"), s.inputTokens().mean(), s.name() + " input tokens");
            assertNum(row.get("output_tokens_p90"), s.outputTokens().p90(), s.name() + " output p90");
            assertThat(row.get("latency_ms_p50")).isEmpty(); // none recorded
            assertThat(row.get("first_error")).isEqualTo(s.firstError() == null ? "" : s.firstError());
            for (String arm : List.of("small:off", "mid:on", "big:off")) assertNum(row.get("share:" + arm), s.armShare().get(arm), arm);
        }
        // Spot checks against the hand-derived figures.
        Map<String, String> byText = rows.get(3);
        assertThat(byText.get("contestant")).isEqualTo("by text");
        assertThat(Double.parseDouble(byText.get("quality"))).isCloseTo(5.0 / 7, EPS);
        assertThat(Double.parseDouble(byText.get("total_cost_usd"))).isCloseTo(0.322, EPS);
        Map<String, String> fixed = rows.get(8);
        assertThat(fixed.get("failed")).isEqualTo("8");
        assertThat(fixed.get("quality")).isEmpty();
        assertThat(fixed.get("total_cost_usd")).isEqualTo("0");
        assertThat(fixed.get("first_error")).isEqualTo("router failed: this router takes no per-request α");
        assertThat(rows.get(1).get("thinking_rate")).isEqualTo("1");
    }

    @Test
    void answersCsvHasOneRowPerContestantAndQuestionLeavingOutSweeps() throws IOException {
        Evaluation.Result r = replay();
        Path csv = dir.resolve("answers.csv");
        EvalReport.writeAnswersCsv(csv, r, SWEEPS);

        assertThat(header(csv)).containsExactly("contestant", "query_id", "arm", "status", "score", "em", "f1", "cost_usd", "input_tokens",
                "output_tokens", "reasoning_tokens", "latency_ms", "reason", "error");
        List<Map<String, String>> rows = readCsv(csv);
        assertThat(rows).hasSize(6 * 8);
        assertThat(rows).extracting(m -> m.get("contestant")).doesNotContain("learned α=0.05", "learned α=0.5", "learned α=2")
                .containsOnly("always small:off", "always mid:on", "always big:off", "by text", "throwing", "fixed α=0.5");
        for (String who : List.of("always small:off", "by text", "throwing")) {
            assertThat(rows.stream().filter(m -> m.get("contestant").equals(who)).map(m -> m.get("query_id")))
                    .containsExactly("q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7");
        }

        Map<String, String> hard = row(rows, "by text", "q1");
        assertThat(hard.get("arm")).isEqualTo("big:off");
        assertThat(hard.get("status")).isEqualTo("scored");
        assertThat(hard.get("score")).isEqualTo("1");
        assertThat(Double.parseDouble(hard.get("cost_usd"))).isEqualTo(0.1);
        assertThat(hard.get("input_tokens")).isEqualTo("11");
        assertThat(hard.get("output_tokens")).isEqualTo("31");
        assertThat(hard.get("latency_ms")).isEqualTo("0");
        assertThat(hard.get("reason")).contains("picked big:off");
        assertThat(hard.get("error")).isEmpty();

        Map<String, String> threw = row(rows, "throwing", "q5");
        assertThat(threw.get("arm")).isEmpty();
        assertThat(threw.get("status")).isEqualTo("failed");
        assertThat(threw.get("score")).isEmpty();
        assertThat(threw.get("cost_usd")).isEmpty();
        assertThat(threw.get("reason")).isEmpty();
        assertThat(threw.get("error")).isEqualTo("router failed: boom on riddle");

        Map<String, String> missing = row(rows, "always small:off", "q3");
        assertThat(missing.get("arm")).isEqualTo("small:off"); // chosen, but the record lacks it
        assertThat(missing.get("status")).isEqualTo("failed");
        assertThat(missing.get("score")).isEmpty();
        assertThat(missing.get("error")).isEqualTo("no recorded score and cost for arm small:off");
    }

    static Map<String, String> row(List<Map<String, String>> rows, String contestant, String query) {
        return rows.stream().filter(m -> m.get("contestant").equals(contestant) && m.get("query_id").equals(query))
                .findFirst().orElseThrow();
    }

    @Test
    void jsonParsesAndHoldsTheComparisonAndEveryContestant() throws IOException {
        EvalReport report = EvalReport.of(replay(), "replay of a hand-made table", SWEEPS);
        Path json = dir.resolve("eval.json");
        report.writeJson(json);

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.path("dataset").asText()).isEqualTo("tiny");
        assertThat(root.path("mode").asText()).isEqualTo("replay");
        assertThat(root.path("protocol").asText()).isEqualTo("replay of a hand-made table");
        assertThat(root.path("questions").asInt()).isEqualTo(8);
        JsonNode comparison = root.path("comparison");
        assertThat(comparison.isObject()).isTrue();
        assertThat(comparison.path("arms")).extracting(JsonNode::asText).containsExactly("small:off", "mid:on", "big:off");
        assertThat(comparison.path("rows").asInt()).isEqualTo(8);
        assertThat(comparison.path("routers")).extracting(n -> n.path("kind").asText())
                .containsExactlyInAnyOrder("by text", "throwing", "learned");
        JsonNode contestants = root.path("contestants");
        assertThat(contestants.isArray()).isTrue();
        assertThat(contestants).hasSize(9);
        assertThat(contestants.get(3).path("name").asText()).isEqualTo("by text");
        assertThat(contestants.get(3).path("quality").asDouble()).isCloseTo(5.0 / 7, EPS);
        assertThat(contestants.get(4).path("failed").asInt()).isEqualTo(2);
        // Sweeps are drawn as frontiers; the tables show each sweep by its peak.
        assertThat(root.path("shown")).hasSize(7);
        assertThat(root.path("shown").get(6).path("name").asText()).isEqualTo("learned α=0.05 (peak of sweep)");
    }

    @Test
    void failuresCountSkippedRowsAndFailedPicks() {
        Evaluation.Result r = replay();
        // small 1 (q3), by text 1 (q3), throwing 2, learned α=0.5 1 (q3), learned α=2 1 (q3), fixed 8.
        assertThat(EvalReport.of(r, "p", SWEEPS).failures()).isEqualTo(14).isEqualTo(r.failures());

        Evaluation.Result withSkipped = new Evaluation.Result(r.dataset(), r.mode(), r.items(), r.matrix(), r.cells(),
                r.entries(), List.of("data.jsonl:3: no question", "data.jsonl:9: no answer"));
        EvalReport report = EvalReport.of(withSkipped, "p", SWEEPS);
        assertThat(report.skipped()).hasSize(2);
        assertThat(report.failures()).isEqualTo(16).isEqualTo(withSkipped.failures());

        Evaluation.Result clean = Evaluation.replay("tiny", EvaluationTest.matrix(), null,
                List.of(Evaluation.Contestant.always(MID), Evaluation.Contestant.always(BIG)));
        assertThat(EvalReport.of(clean, "p", Set.of()).failures()).isZero();
    }

    @Test
    void aSweptRouterGroupIsSummarisedLikeCompare() {
        Evaluation.Result r = replay();
        EvalReport report = EvalReport.of(r, "p", SWEEPS);
        RouterComparison.Result cmp = report.comparison();

        // Single arms are baselines, not routers; a group with no answered question has no point and is left out.
        assertThat(cmp.routers()).extracting(RouterComparison.RouterResult::kind).containsExactly("by text", "throwing", "learned");
        RouterComparison.RouterResult learned = cmp.routers().get(2);
        assertThat(learned.sweep()).extracting(AlphaSweep.Point::alpha).containsExactly(0.05, 0.5, 2.0);
        assertThat(learned.sweep()).extracting(AlphaSweep.Point::quality).containsExactly(7.0 / 8, 5.0 / 7, 3.0 / 7);
        assertThat(learned.sweep().get(0).meanCost()).isCloseTo(0.9 / 8, EPS);
        assertThat(learned.sweep().get(1).meanCost()).isCloseTo(0.322 / 7, EPS);
        assertThat(learned.sweep().get(2).meanCost()).isCloseTo(0.001, EPS);
        assertThat(learned.sweep().get(1).armShare()).containsExactly(2.0 / 7, 2.0 / 7, 3.0 / 7);

        List<AlphaSweep.Point> points = new ArrayList<>();
        for (Evaluation.Entry e : r.entries()) {
            if (!e.contestant().group().equals("learned")) continue;
            double[] share = e.run().armShare().stream().mapToDouble(Double::doubleValue).toArray();
            points.add(new AlphaSweep.Point(e.contestant().alpha(), e.run().accuracy(), e.run().meanCost(), share));
        }
        RouterComparison.Baseline base = RouterComparison.baseline(r.matrix());
        RouterComparison.RouterResult expected = RouterComparison.summarise("learned", points, base.gap(), base.cMin(),
                base.cMax(), base.aiqOracle(), base.bestSingle(), null, null, 0);
        assertThat(learned.metrics()).isEqualTo(expected.metrics());
        assertThat(learned.frontier()).isEqualTo(expected.frontier());
        assertThat(learned.metrics().peakQuality()).isEqualTo(7.0 / 8);

        // The baselines are the table's.
        assertThat(cmp.arms()).containsExactly("small:off", "mid:on", "big:off");
        assertThat(cmp.rows()).isEqualTo(8);
        assertThat(cmp.singleArms()).isEqualTo(base.singles());
        assertThat(cmp.oracle()).isEqualTo(base.oracle());
        assertThat(cmp.aiqOracle()).isEqualTo(base.aiqOracle());

        // Sweeps are drawn as frontiers, not rows of the contestants table.
        assertThat(report.contestants()).hasSize(9);
        assertThat(report.shown()).extracting(Evaluation.Summary::name).containsExactly("always small:off", "always mid:on",
                "always big:off", "by text", "throwing", "fixed α=0.5", "learned α=0.05 (peak of sweep)");
    }

    @Test
    void htmlShowsContestantsFailuresChartsAndMissingLatency() {
        EvalReport report = EvalReport.of(replay(), "replay of a hand-made table", SWEEPS);
        String html = HtmlReport.of(report).html();
        String text = HtmlReportTest.withoutImages(html);

        assertThat(html).startsWith("<!DOCTYPE html>").contains("<title>thinkroute eval: tiny</title>");
        Matcher table = Pattern.compile("<h2>Contestants</h2>\\s*<div class=\"wide\"><table class=\"summary\">(.*?)</table>", Pattern.DOTALL).matcher(html);
        assertThat(table.find()).isTrue();
        String contestants = table.group(1);
        assertThat(contestants).contains("<th>unparsed</th><th>failed</th>");
        assertThat(Pattern.compile("<tr class=").matcher(contestants).results().count()).isEqualTo(7);
        // The sweep appears once, by its peak, not once per α.
        assertThat(contestants).contains("learned α=0.05 (peak of sweep)").doesNotContain("learned α=0.5<", "learned α=2");
        Matcher throwing = Pattern.compile("<tr class=\"router failed\"><td class=\"name\">throwing</td>(.*?)</tr>").matcher(contestants);
        assertThat(throwing.find()).isTrue();
        // scored 6, unparsed 0, failed 2
        assertThat(throwing.group(1)).contains("<td>6</td><td>0</td><td>2</td>").contains("<td>not recorded</td>");
        assertThat(contestants).contains("<tr class=\"single\"><td class=\"name\">always mid:on</td>");
        assertThat(contestants).contains("<tr class=\"single failed\"><td class=\"name\">always small:off</td>");

        assertThat(text).contains("<h2>Not evaluated</h2>")
                .contains("<li>throwing: 2 failed, e.g. no recorded score and cost for arm small:off</li>")
                .contains("<li>fixed α=0.5: 8 failed, e.g. router failed: this router takes no per-request α</li>")
                .contains("0 dataset rows skipped, 14 failed answers over all contestants");
        assertThat(text).contains("The recorded outcomes carry no latency, so none is shown.");
        assertThat(text).doesNotContain("NaN");
        assertThat(Pattern.compile("src=\"data:image/png;base64,[A-Za-z0-9+/=]{100,}\"").matcher(html).results().count())
                .isGreaterThanOrEqualTo(4); // frontier, arm shares, output tokens, reasoning tokens (at least)
        assertThat(text).contains("<h2>Where the calls went</h2>").contains("<h2>Tokens</h2>").contains("<h2>Latency</h2>");
    }

    @Test
    void htmlWithoutFailuresHasNoNotEvaluatedSectionAndDrawsRecordedLatency() {
        Evaluation.Result r = Evaluation.replay("tiny", EvaluationTest.matrix(), EvaluationTest.recorded(),
                List.of(Evaluation.Contestant.always(MID), Evaluation.Contestant.always(BIG)));
        String html = HtmlReport.of(EvalReport.of(r, "p", Set.of())).html();
        String text = HtmlReportTest.withoutImages(html);
        assertThat(text).doesNotContain("<h2>Not evaluated</h2>")
                .doesNotContain("The recorded outcomes carry no latency")
                .contains("Latency of the answering call")
                .contains("<td>40 / 80 / 80 ms</td>") // always mid: recorded 10..80 ms
                .contains("<td>not recorded</td>") // always big: no recorded latency
                .contains("0 dataset rows skipped, 0 failed answers over all contestants");
    }
}
