package dev.thinkroute.eval.dataset;

import dev.thinkroute.llm.replay.DataLocation;
import dev.thinkroute.llm.replay.MissingDataException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registered benchmarks read from the real files under shared/datasets, with the counts SOURCE.md gives. */
class DatasetsTest {

    private static Path root;

    @BeforeAll
    static void findData() {
        root = DataLocation.resolve((Path) null).root();
    }

    @ParameterizedTest
    @CsvSource({
            "gsm8k, 1319, math", "math500, 500, math", "aime2024, 30, math",
            "hotpotqa, 500, qa-f1", "2wiki, 500, qa-f1", "musique, 500, qa-f1", "bamboogle, 125, qa-f1",
            "hotpotqa-dev, 7405, qa-f1", "nq, 50, qa-f1", "triviaqa, 50, qa-f1",
            "nq-train, 500, qa-f1", "triviaqa-train, 500, qa-f1"})
    void readsEveryRowOfTheCleanFiles(String name, int rows, String scorer) {
        Dataset d = Datasets.get(name);
        Loaded l = d.load(root);

        assertThat(l.dataset()).isEqualTo(name);
        assertThat(d.scorer()).isEqualTo(scorer);
        assertThat(l.skipped()).isEmpty();
        assertThat(l.examples()).hasSize(rows);
        assertThat(l.examples()).allSatisfy(e -> {
            assertThat(e.question()).isNotBlank();
            assertThat(e.gold()).isNotEmpty().allSatisfy(g -> assertThat(g).isNotBlank());
        });
        assertThat(new HashSet<>(l.examples().stream().map(Example::id).toList())).hasSize(rows);
    }

    @Test
    void registryCoversEveryBenchmarkAndNamesThemOnAMiss() {
        assertThat(Datasets.names()).containsExactly("gsm8k", "math500", "aime2024", "hotpotqa", "2wiki", "musique",
                "bamboogle", "hotpotqa-dev", "nq", "nq-train", "triviaqa", "triviaqa-train", "llmrouter-nq");
        assertThatThrownBy(() -> Datasets.get("mmlu"))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("\"mmlu\"").hasMessageContaining("gsm8k, math500");
    }

    @Test
    void gsm8kGoldIsTheNumberAfterTheHashes() {
        List<Example> ex = Datasets.get("gsm8k").load(root).examples();
        Example first = ex.getFirst();
        assertThat(first.id()).isEqualTo("0");
        assertThat(first.question()).startsWith("Janet’s ducks lay 16 eggs per day.");
        assertThat(first.gold()).containsExactly("18");
        // Thousands separators are dropped so "2,125" compares as a number.
        assertThat(ex).allSatisfy(e -> assertThat(e.gold().getFirst()).matches("-?[0-9]+(\\.[0-9]+)?"));
        assertThat(Datasets.gsm8kGold("so 1,450,000\n#### 1,450,000")).isEqualTo("1450000");
        assertThat(Datasets.gsm8kGold("no final line")).isNull();
    }

    @Test
    void math500KeepsLevelAndSubject() {
        List<Example> ex = Datasets.get("math500").load(root).examples();
        Example first = ex.getFirst();
        assertThat(first.id()).isEqualTo("test/precalculus/807.json");
        assertThat(first.question()).startsWith("Convert the point $(0,3)$ in rectangular coordinates");
        assertThat(first.gold()).containsExactly("\\left( 3, \\frac{\\pi}{2} \\right)");
        assertThat(first.meta()).containsEntry("level", "2").containsEntry("subject", "precalculus");
        var levels = ex.stream().collect(Collectors.groupingBy(e -> e.meta().get("level"), Collectors.counting()));
        assertThat(levels).containsOnlyKeys("1", "2", "3", "4", "5")
                .containsEntry("1", 43L).containsEntry("2", 90L).containsEntry("3", 105L)
                .containsEntry("4", 128L).containsEntry("5", 134L);
        assertThat(ex.stream().filter(e -> "algebra".equals(e.meta().get("subject")))).hasSize(124);
    }

    @Test
    void aimeAndQaSpotChecks() {
        Example aime = Datasets.get("aime2024").load(root).examples().getFirst();
        assertThat(aime.question()).startsWith("Every morning Aya goes for a $9$-kilometer-long walk");
        assertThat(aime.gold()).containsExactly("204");
        assertThat(aime.meta()).containsEntry("year", "2024");

        Example bamboogle = Datasets.get("bamboogle").load(root).examples().getFirst();
        assertThat(bamboogle.id()).isEqualTo("1");
        assertThat(bamboogle.question())
                .isEqualTo("Who was president of the United States in the year that Citibank was founded?");
        assertThat(bamboogle.gold()).containsExactly("james madison");

        Example dev = Datasets.get("hotpotqa-dev").load(root).examples().getFirst();
        assertThat(dev.question()).isEqualTo("Were Scott Derrickson and Ed Wood of the same nationality?");
        assertThat(dev.gold()).containsExactly("yes");
        assertThat(dev.meta()).containsEntry("type", "comparison");

        Example nq = Datasets.get("nq").load(root).examples().getFirst();
        assertThat(nq.question()).isEqualTo("when does a wrinkle in time come out in canada");
        assertThat(nq.gold()).containsExactly("March 9, 2018");
        Example tqa = Datasets.get("triviaqa").load(root).examples().getFirst();
        assertThat(tqa.gold()).containsExactly("seats");
    }

    @Test
    void userJsonlWithMappingReportsEveryBadRowWithFileAndLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("mine.jsonl");
        Files.writeString(f, String.join("\n",
                "{\"qid\": \"a\", \"q\": \"Capital of France?\", \"gold\": \"Paris\"}",
                "{\"qid\": \"b\", \"q\": \"Two names of the UK?\", \"gold\": [\"UK\", \" \", \"Britain\"]}",
                "{\"qid\": \"c\", \"gold\": \"x\"}",
                "",
                "{\"qid\": \"d\", \"q\": \"   \", \"gold\": \"x\"}",
                "{\"qid\": \"e\", \"q\": \"No answer\"}",
                "{\"qid\": \"f\", \"q\": \"Empty list\", \"gold\": []}",
                "not json",
                "{\"qid\": \"a\", \"q\": \"Same id\", \"gold\": \"y\"}",
                "{\"q\": \"No id\", \"gold\": \"z\"}",
                "{\"qid\": 7, \"q\": \"Numeric id and answer\", \"gold\": 42}") + "\n");
        Dataset d = new JsonDataset("mine", f, "q", "gold", "qid", "qa-em");

        Loaded l = d.load(root);

        assertThat(l.examples()).extracting(Example::id).containsExactly("a", "b", "7");
        assertThat(l.examples().get(1).gold()).containsExactly("UK", "Britain");
        assertThat(l.examples().get(2).gold()).containsExactly("42");
        assertThat(l.skipped()).hasSize(7);
        assertThat(l.skipped().get(0)).startsWith(f + ":3: no question");
        assertThat(l.skipped().get(1)).startsWith(f + ":5: no question").contains("blank");
        assertThat(l.skipped().get(2)).startsWith(f + ":6: no answer").contains("absent");
        assertThat(l.skipped().get(3)).startsWith(f + ":7: no answer");
        assertThat(l.skipped().get(4)).startsWith(f + ":8: not valid JSON");
        assertThat(l.skipped().get(5)).startsWith(f + ":9: duplicate id \"a\"").contains(f + ":1");
        assertThat(l.skipped().get(6)).startsWith(f + ":10: no id");
    }

    @Test
    void withoutAnIdFieldTheRowIndexIsTheId(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("plain.jsonl");
        Files.writeString(f, "{\"q\":\"one\",\"a\":\"1\"}\n{\"q\":\"\",\"a\":\"2\"}\n\n{\"q\":\"three\",\"a\":\"3\"}\n");

        Loaded l = new JsonDataset("plain", f, "q", "a", null, "qa-em").load(null);

        // The bad row keeps its place, so ids do not shift when a row is fixed or broken.
        assertThat(l.examples()).extracting(Example::id).containsExactly("0", "2");
        assertThat(l.skipped()).singleElement().asString().startsWith(f + ":2: no question");
    }

    @Test
    void jsonArrayRowsAreReportedWithLineAndElement(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("arr.json");
        Files.writeString(f, "[\n{\"q\": \"ok\", \"a\": \"1\"},\n{\"q\": \"no answer\", \"a\": null},\n7\n]\n");

        Loaded l = new JsonDataset("arr", f, "q", "a", null, "qa-em").load(dir);

        assertThat(l.examples()).extracting(Example::id).containsExactly("0");
        assertThat(l.skipped()).containsExactly(
                f + ":3: element 1: no answer: field \"a\" is null",
                f + ":4: element 2: expected a JSON object, found number 7");
    }

    @Test
    void aMissingFileNamesThePathAndHowToPointAtTheData(@TempDir Path dir) {
        assertThatThrownBy(() -> Datasets.get("gsm8k").load(dir))
                .isInstanceOf(MissingDataException.class)
                .hasMessageContaining(dir.resolve("gsm8k_openai/test.jsonl").toString())
                .hasMessageContaining("gsm8k")
                .hasMessageContaining("--data").hasMessageContaining("THINKROUTE_DATA");
        Path absent = dir.resolve("nope.jsonl");
        assertThatThrownBy(() -> new JsonDataset("mine", absent, "q", "a", null, "qa-em").load(dir))
                .isInstanceOf(MissingDataException.class)
                .hasMessageContaining(absent.toString());
    }
}
