package dev.thinkroute.learn.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.Decision;
import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.core.route.CostAwarePolicy;
import dev.thinkroute.core.route.Query;
import dev.thinkroute.learn.predict.QualityModel;
import dev.thinkroute.learn.predict.QualityModels;
import dev.thinkroute.learn.predict.TrainingSet;
import dev.thinkroute.learn.router.CostModel;
import dev.thinkroute.learn.router.LearnedRouter;
import dev.thinkroute.learn.router.Synthetic;
import dev.thinkroute.learn.train.RouterTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

class RouterArtifactTest {

    private static final Synthetic.ClusterEncoder ENCODER = new Synthetic.ClusterEncoder();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static RouterArtifact artifact(String kind) {
        OutcomeMatrix m = Synthetic.noisyThreeArms(30, 4);
        float[][] x = Synthetic.embed(ENCODER, m);
        QualityModel quality = QualityModels.trainer(kind).fit(new TrainingSet(x, RouterTrainer.scores(m)), null, 3);
        CostModel cost = CostModel.fit(m);
        ObjectNode calibration = JsonNodeFactory.instance.objectNode().put("target", "cost=0.004").put("alpha", 0.05);
        ObjectNode provenance = JsonNodeFactory.instance.objectNode().put("seed", 3).put("trainer", kind);
        provenance.putArray("data").addObject().put("file", "synthetic.jsonl").put("sha256", "00ff");
        return new RouterArtifact("router-" + kind, ENCODER.id(), ENCODER.dimension(), m.arms(), quality, cost,
                new CostAwarePolicy(0.05, cost.costScale()), calibration, provenance);
    }

    private static List<String> queries() {
        List<String> q = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            q.add("A" + (500 + i));
            q.add("B" + (500 + i));
        }
        for (int i = 0; i < 10; i++) q.add("an unrelated question number " + i + "?".repeat(i * 30));
        return q;
    }

    @ParameterizedTest
    @ValueSource(strings = {"knn", "mlp", "mf"})
    void writeThenReadGivesIdenticalPredictionsAndDecisions(String kind) throws IOException {
        RouterArtifact original = artifact(kind);
        Path file = dir.resolve("nested/dir/" + kind + ".json");

        original.write(file);
        RouterArtifact back = RouterArtifact.read(file);

        assertThat(back.name()).isEqualTo(original.name());
        assertThat(back.arms()).isEqualTo(original.arms());
        assertThat(back.policy()).isEqualTo(original.policy());
        assertThat(back.calibration()).isEqualTo(original.calibration());
        assertThat(back.provenance()).isEqualTo(original.provenance());
        assertThat(back.toJson()).isEqualTo(original.toJson());

        LearnedRouter before = original.router(ENCODER, null);
        LearnedRouter after = back.router(ENCODER, null);
        List<String> texts = queries();
        assertThat(texts).hasSize(50);
        java.util.Set<String> distinct = new java.util.HashSet<>();
        for (String text : texts) {
            LearnedRouter.Predictions p = before.predict(text), q = after.predict(text);
            assertThat(q.quality()).as(text).containsExactly(p.quality());
            assertThat(q.cost()).as(text).containsExactly(p.cost());
            assertThat(q.utility()).as(text).containsExactly(p.utility());
            Decision d = before.route(Query.of(text)), e = after.route(Query.of(text));
            assertThat(e).as(text).isEqualTo(d);
            distinct.add(java.util.Arrays.toString(p.quality()));
        }
        // The predictions compared are not all the same one.
        assertThat(distinct).hasSizeGreaterThan(1);
        try (var files = Files.list(file.getParent())) {
            assertThat(files).as("no temporary file left behind").containsExactly(file);
        }
    }

    @Test
    void writingAgainReplacesTheFile() throws IOException {
        Path file = dir.resolve("router.json");
        RouterArtifact a = artifact("knn");
        a.write(file);
        a.withPolicy(new CostAwarePolicy(0.7, a.policy().costScale()), null).write(file);

        RouterArtifact back = RouterArtifact.read(file);
        assertThat(back.policy().alpha()).isEqualTo(0.7);
        assertThat(back.calibration()).isEmpty();
        assertThat(back.provenance()).isEqualTo(a.provenance());
    }

    @Test
    void theFileNamesItsFormatEncoderAndArms() throws IOException {
        Path file = dir.resolve("router.json");
        artifact("knn").write(file);

        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        assertThat(root.get("format").asText()).isEqualTo(RouterArtifact.FORMAT);
        assertThat(root.get("encoder").get("id").asText()).isEqualTo(ENCODER.id());
        assertThat(root.get("encoder").get("dimension").asInt()).isEqualTo(Synthetic.DIM);
        assertThat(root.get("arms")).extracting(n -> n.asText())
                .containsExactly(Synthetic.CHEAP.label(), Synthetic.MID.label(), Synthetic.STRONG.label());
        assertThat(root.get("quality_model").get("kind").asText()).isEqualTo("knn");
    }

    @Test
    void readingAMissingFileSaysSoAndNamesIt() {
        Path file = dir.resolve("absent.json");

        assertThatThrownBy(() -> RouterArtifact.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not found")
                .hasMessageContaining(file.toAbsolutePath().toString());
    }

    @Test
    void readingANonJsonFileSaysSoAndNamesIt() throws IOException {
        Path file = dir.resolve("garbage.json");
        Files.writeString(file, "this is { not json");

        assertThatThrownBy(() -> RouterArtifact.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("garbage.json")
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void readingAnEmptyFileNamesIt() throws IOException {
        Path file = dir.resolve("empty.json");
        Files.writeString(file, "");

        assertThatThrownBy(() -> RouterArtifact.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("empty.json");
    }

    @Test
    void readingAnotherFormatSaysWhichFormatsDiffer() throws IOException {
        Path file = dir.resolve("old.json");
        ObjectNode root = artifact("knn").toJson();
        root.put("format", "thinkroute-router/0");
        Files.writeString(file, root.toString());

        assertThatThrownBy(() -> RouterArtifact.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("old.json")
                .hasMessageContaining("thinkroute-router/0")
                .hasMessageContaining(RouterArtifact.FORMAT);
    }

    @Test
    void readingJsonWithoutAFormatSaysSo() throws IOException {
        Path file = dir.resolve("other.json");
        Files.writeString(file, "{\"hello\": \"world\"}");

        assertThatThrownBy(() -> RouterArtifact.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("other.json")
                .hasMessageContaining("format")
                .hasMessageContaining(RouterArtifact.FORMAT);
    }

    @Test
    void readingAnArtifactWithoutAQualityModelSaysWhatIsMissing() throws IOException {
        Path file = dir.resolve("partial.json");
        ObjectNode root = artifact("knn").toJson();
        root.remove("quality_model");
        Files.writeString(file, root.toString());

        assertThatThrownBy(() -> RouterArtifact.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("partial.json")
                .hasMessageContaining("quality model");
    }

    /** An artifact whose arm list does not match its models is not usable: reading it should say so, not serving it. */
    @Test
    void readingAnArtifactWhoseArmsDoNotMatchItsModelsSaysSo() throws IOException {
        Path file = dir.resolve("mismatch.json");
        ObjectNode root = artifact("knn").toJson();
        ((com.fasterxml.jackson.databind.node.ArrayNode) root.get("arms")).remove(1);
        Files.writeString(file, root.toString());

        assertThatThrownBy(() -> RouterArtifact.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("mismatch.json")
                .hasMessageContaining("arms");
    }

    @Test
    void refusesAnEncoderOtherThanTheOneItWasTrainedWith() {
        RouterArtifact a = artifact("knn");

        assertThatThrownBy(() -> a.router(new Synthetic.ClusterEncoder("other-encoder", Synthetic.DIM), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("router-knn")
                .hasMessageContaining(ENCODER.id())
                .hasMessageContaining("other-encoder");
        assertThatThrownBy(() -> a.router(new Synthetic.ClusterEncoder(ENCODER.id(), Synthetic.DIM + 8), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(Synthetic.DIM + 8));
    }

    @Test
    void theRouterHonoursAllowedFlags() {
        LearnedRouter r = artifact("knn").router(ENCODER, new boolean[]{false, false, true});
        for (String text : queries()) assertThat(r.route(Query.of(text)).arm()).isEqualTo(Synthetic.STRONG);
    }
}
