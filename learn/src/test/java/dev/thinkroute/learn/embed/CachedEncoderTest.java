package dev.thinkroute.learn.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachedEncoderTest {

    private static final int DIM = 8;

    @TempDir
    Path dir;

    @Test
    void secondLookupDoesNotCallTheInnerEncoder() {
        FakeEncoder inner = new FakeEncoder("fake", DIM);
        try (CachedEncoder encoder = new CachedEncoder(inner, dir)) {
            float[] first = encoder.embed("hello");
            float[] second = encoder.embed("hello");
            assertThat(inner.calls).hasValue(1);
            assertThat(second).containsExactly(first);
            assertThat(first).containsExactly(FakeEncoder.vectorOf("hello", DIM));
            assertThat(encoder.id()).isEqualTo("fake");
            assertThat(encoder.dimension()).isEqualTo(DIM);
        }
        assertThat(inner.closes).as("closing the decorator closes what it wraps").hasValue(1);
    }

    @Test
    void callersCannotChangeWhatIsCached() {
        try (CachedEncoder encoder = new CachedEncoder(new FakeEncoder("fake", DIM), dir)) {
            encoder.embed("x")[0] = 42f;
            encoder.embed("x")[1] = 42f;
            assertThat(encoder.embed("x")).containsExactly(FakeEncoder.vectorOf("x", DIM));
        }
    }

    @Test
    void survivesReopen() {
        try (CachedEncoder encoder = new CachedEncoder(new FakeEncoder("fake", DIM), dir)) {
            encoder.embed("a");
            encoder.embed("b");
            encoder.embed("ünïcödé ✓");
        }
        assertThat(dir.resolve("fake.emb")).exists();
        FakeEncoder inner = new FakeEncoder("fake", DIM);
        try (CachedEncoder encoder = new CachedEncoder(inner, dir)) {
            assertThat(encoder.cache().size()).isEqualTo(3);
            assertThat(encoder.embed("ünïcödé ✓")).containsExactly(FakeEncoder.vectorOf("ünïcödé ✓", DIM));
            assertThat(encoder.embed("a")).containsExactly(FakeEncoder.vectorOf("a", DIM));
            assertThat(inner.calls).hasValue(0);
        }
    }

    @Test
    void eachEncoderIdHasItsOwnFile() {
        FakeEncoder other = new FakeEncoder("other/model v2", DIM);
        try (CachedEncoder a = new CachedEncoder(new FakeEncoder("fake", DIM), dir);
             CachedEncoder b = new CachedEncoder(other, dir)) {
            a.embed("same text");
            b.embed("same text");
            assertThat(other.calls).hasValue(1);
        }
        assertThat(dir.resolve("other_model_v2.emb")).exists();
    }

    @Test
    void tornLastRecordIsDroppedAndAppendsStayAligned() throws IOException {
        try (CachedEncoder encoder = new CachedEncoder(new FakeEncoder("fake", DIM), dir)) {
            encoder.embed("one");
            encoder.embed("two");
            encoder.embed("three");
        }
        Path file = dir.resolve("fake.emb");
        long size = Files.size(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size - 5); // a crash in the middle of writing "three"
        }
        FakeEncoder inner = new FakeEncoder("fake", DIM);
        try (CachedEncoder encoder = new CachedEncoder(inner, dir)) {
            assertThat(encoder.cache().size()).isEqualTo(2);
            assertThat(encoder.embed("one")).containsExactly(FakeEncoder.vectorOf("one", DIM));
            assertThat(encoder.embed("three")).containsExactly(FakeEncoder.vectorOf("three", DIM));
            assertThat(inner.calls).hasValue(1);
        }
        assertThat(Files.size(file)).isEqualTo(size);
        try (EmbeddingCache cache = EmbeddingCache.open(dir, "fake", DIM)) {
            assertThat(cache.size()).isEqualTo(3);
            assertThat(cache.get("three")).containsExactly(FakeEncoder.vectorOf("three", DIM));
        }
    }

    @Test
    void emptyFileFromACrashAtCreationIsStartedAgain() throws IOException {
        Files.createFile(dir.resolve("fake.emb"));
        try (EmbeddingCache cache = EmbeddingCache.open(dir, "fake", DIM)) {
            cache.put("a", FakeEncoder.vectorOf("a", DIM));
        }
        try (EmbeddingCache cache = EmbeddingCache.open(dir, "fake", DIM)) {
            assertThat(cache.get("a")).containsExactly(FakeEncoder.vectorOf("a", DIM));
        }
    }

    @Test
    void fileOfAnotherDimensionIsRefused() {
        try (EmbeddingCache cache = EmbeddingCache.open(dir, "fake", DIM)) {
            cache.put("a", FakeEncoder.vectorOf("a", DIM));
        }
        assertThatThrownBy(() -> new CachedEncoder(new FakeEncoder("fake", DIM * 2), dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("fake.emb")
                .hasMessageContaining("dimension " + DIM)
                .hasMessageContaining("dimension " + DIM * 2);
    }

    @Test
    void fileOfAnotherIdWithTheSameFileNameIsRefused() {
        EmbeddingCache.open(dir, "a/b", DIM).close(); // creates a_b.emb
        assertThatThrownBy(() -> EmbeddingCache.open(dir, "a:b", DIM))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'a/b'")
                .hasMessageContaining("'a:b'");
    }

    @Test
    void aFileThatIsNoCacheIsRefused() throws IOException {
        Files.writeString(dir.resolve("fake.emb"), "{\"this\": \"is json, not an embedding cache\"}", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> EmbeddingCache.open(dir, "fake", DIM))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not an embedding cache file");
        Files.write(dir.resolve("fake.emb"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> EmbeddingCache.open(dir, "fake", DIM))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not an embedding cache file");
    }

    @Test
    void unwritableDirectoryIsAClearError() throws IOException {
        Path file = dir.resolve("plain-file");
        Files.writeString(file, "x");
        assertThatThrownBy(() -> EmbeddingCache.open(file, "fake", DIM))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("plain-file");
    }

    @Test
    void putChecksTheVectorAndTheCacheState() {
        EmbeddingCache cache = EmbeddingCache.open(dir, "fake", DIM);
        assertThatThrownBy(() -> cache.put("a", new float[DIM + 1])).isInstanceOf(IllegalArgumentException.class);
        cache.close();
        assertThatThrownBy(() -> cache.put("a", new float[DIM])).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void recordsAreHashPlusFloatsAfterAHeader() throws IOException {
        try (EmbeddingCache cache = EmbeddingCache.open(dir, "fake", DIM)) {
            cache.put("a", FakeEncoder.vectorOf("a", DIM));
            cache.put("a", FakeEncoder.vectorOf("b", DIM)); // already cached: ignored, not appended
        }
        byte[] bytes = Files.readAllBytes(dir.resolve("fake.emb"));
        int header = 8 + 4 + 4 + "fake".length();
        assertThat(bytes).hasSize(header + 32 + 4 * DIM);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        assertThat(new String(bytes, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("TREMBED1");
        assertThat(buf.getInt(8)).isEqualTo(DIM);
        assertThat(buf.getInt(12)).isEqualTo(4);
        byte[] hash = new byte[32];
        buf.get(header, hash);
        assertThat(hash).isEqualTo(EmbeddingCache.sha256("a"));
        assertThat(buf.getFloat(header + 32)).isEqualTo(FakeEncoder.vectorOf("a", DIM)[0]);
    }

    @Test
    void defaultDirectoryFollowsThinkrouteCache() {
        assertThat(EmbeddingCache.defaultDirectory("/data/tr", "/home/u")).isEqualTo(Path.of("/data/tr/embeddings"));
        assertThat(EmbeddingCache.defaultDirectory(null, "/home/u")).isEqualTo(Path.of("/home/u/.cache/thinkroute/embeddings"));
        assertThat(EmbeddingCache.defaultDirectory(" ", "/home/u")).isEqualTo(Path.of("/home/u/.cache/thinkroute/embeddings"));
    }

    @Test
    void embedAllMatchesEmbedOneByOneAndEmbedsEachNewTextOnce() {
        List<String> texts = new ArrayList<>();
        IntStream.range(0, 200).forEach(i -> texts.add("text " + (i % 150))); // 50 duplicates
        FakeEncoder inner = new FakeEncoder("fake", DIM);
        List<int[]> reports = new ArrayList<>();
        try (CachedEncoder encoder = new CachedEncoder(inner, EmbeddingCache.open(dir, "fake", DIM), 4)) {
            encoder.embed("text 7"); // already cached: not counted
            List<float[]> vectors = encoder.embedAll(texts, (done, total) -> reports.add(new int[] {done, total}));
            assertThat(vectors).hasSize(texts.size());
            for (int i = 0; i < texts.size(); i++) {
                assertThat(vectors.get(i)).containsExactly(FakeEncoder.vectorOf(texts.get(i), DIM));
            }
            assertThat(vectors.get(0)).isNotSameAs(vectors.get(150)); // duplicates get their own arrays
            assertThat(inner.calls).hasValue(150);
            assertThat(encoder.cache().size()).isEqualTo(150);
        }
        assertThat(reports).hasSize(150);
        assertThat(reports.get(0)).containsExactly(0, 149);
        assertThat(reports.getLast()).containsExactly(149, 149);
        for (int i = 1; i < reports.size(); i++) assertThat(reports.get(i)[0]).isEqualTo(reports.get(i - 1)[0] + 1);
    }

    @Test
    void embedAllOfNothingOrAllCached() {
        FakeEncoder inner = new FakeEncoder("fake", DIM);
        try (CachedEncoder encoder = new CachedEncoder(inner, dir)) {
            assertThat(encoder.embedAll(List.of(), EmbedProgress.none())).isEmpty();
            encoder.embed("a");
            List<int[]> reports = new ArrayList<>();
            assertThat(encoder.embedAll(List.of("a", "a"), (d, t) -> reports.add(new int[] {d, t}))).hasSize(2);
            assertThat(reports).singleElement().satisfies(r -> assertThat(r).containsExactly(0, 0));
            assertThat(inner.calls).hasValue(1);
        }
    }

    @Test
    void embedAllRethrowsTheFirstFailureAndKeepsWhatWasDone() {
        FakeEncoder inner = new FakeEncoder("fake", DIM);
        inner.failOn = "text 50";
        List<String> texts = IntStream.range(0, 100).mapToObj(i -> "text " + i).toList();
        try (CachedEncoder encoder = new CachedEncoder(inner, EmbeddingCache.open(dir, "fake", DIM), 3)) {
            assertThatThrownBy(() -> encoder.embedAll(texts, EmbedProgress.none()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("text 50");
            assertThat(encoder.cache().size()).isBetween(1, 99);
        }
    }

    @Test
    void embedAllStopsWhenInterrupted() {
        FakeEncoder inner = new FakeEncoder("fake", DIM);
        try (CachedEncoder encoder = new CachedEncoder(inner, EmbeddingCache.open(dir, "fake", DIM), 1)) {
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> encoder.embedAll(List.of("a", "b"), EmbedProgress.none()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("interrupted");
            assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
            assertThat(inner.calls).hasValue(0);
        }
    }

    @Test
    void defaultEmbedAllOfAPlainEncoder() {
        FakeEncoder inner = new FakeEncoder("fake", DIM);
        List<float[]> vectors = inner.embedAll(List.of("x", "y", "x"), EmbedProgress.none());
        assertThat(vectors.get(2)).containsExactly(FakeEncoder.vectorOf("x", DIM));
        assertThat(inner.calls).hasValue(2);
    }

    @Test
    void cacheOfAnotherEncoderIsRefused() {
        EmbeddingCache cache = EmbeddingCache.open(dir, "other", DIM);
        assertThatThrownBy(() -> new CachedEncoder(new FakeEncoder("fake", DIM), cache, 1))
                .isInstanceOf(IllegalArgumentException.class);
        cache.close();
    }
}
