package dev.thinkroute.learn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.IntStream;

class FoldsTest {

    @Test
    void kFoldPartitionsEveryRowExactlyOnceInNearEqualSortedFolds() {
        for (int[] nk : new int[][]{{23, 5}, {100, 10}, {7, 7}, {10, 3}, {2, 2}}) {
            int n = nk[0], k = nk[1];
            int[][] folds = Folds.kFold(n, k, 42);

            assertThat(folds).hasNumberOfRows(k);
            int[] seen = new int[n];
            int min = Integer.MAX_VALUE, max = 0;
            for (int[] fold : folds) {
                for (int row : fold) seen[row]++;
                assertThat(fold).isSorted();
                min = Math.min(min, fold.length);
                max = Math.max(max, fold.length);
            }
            assertThat(seen).as("n=%d k=%d", n, k).containsOnly(1);
            assertThat(max - min).isLessThanOrEqualTo(1);
            assertThat(min).isPositive();
        }
    }

    @Test
    void theSameSeedGivesTheSameFoldsAndAnotherSeedOthers() {
        int[][] a = Folds.kFold(60, 5, 7);
        int[][] b = Folds.kFold(60, 5, 7);
        int[][] c = Folds.kFold(60, 5, 8);

        assertThat(a).isDeepEqualTo(b);
        assertThat(Arrays.deepEquals(a, c)).isFalse();
    }

    @Test
    void foldsAreShuffledNotContiguousBlocks() {
        int[][] folds = Folds.kFold(100, 5, 1);
        assertThat(folds[0]).isNotEqualTo(IntStream.range(0, 20).toArray());
    }

    @Test
    void kFoldRefusesFewerThanTwoFoldsOrFewerRowsThanFolds() {
        assertThatThrownBy(() -> Folds.kFold(10, 1, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2 folds");
        assertThatThrownBy(() -> Folds.kFold(10, 0, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0");
        assertThatThrownBy(() -> Folds.kFold(4, 5, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 folds").hasMessageContaining("got 4");
    }

    @Test
    void complementIsEveryOtherRowAscending() {
        assertThat(Folds.complement(8, new int[]{6, 1, 3})).containsExactly(0, 2, 4, 5, 7);
        assertThat(Folds.complement(3, new int[]{})).containsExactly(0, 1, 2);
    }

    @Test
    void splitPartitionsRowsAtTheRequestedFraction() {
        int[][] s = Folds.split(100, 0.2, 3);

        assertThat(s).hasNumberOfRows(2);
        int[] train = s[0], test = s[1];
        assertThat(test).hasSize(20).isSorted();
        assertThat(train).hasSize(80).isSorted();
        int[] all = IntStream.concat(Arrays.stream(train), Arrays.stream(test)).sorted().toArray();
        assertThat(all).isEqualTo(IntStream.range(0, 100).toArray());

        assertThat(Folds.split(10, 0.25, 3)[1]).hasSize(3); // round(2.5) = 3
        assertThat(Folds.split(9, 0.5, 3)[1]).hasSize(5);   // round(4.5) = 5
        assertThat(Folds.split(100, 0.2, 3)).isDeepEqualTo(s);
        assertThat(Arrays.deepEquals(Folds.split(100, 0.2, 4), s)).isFalse();
    }

    @Test
    void splitKeepsAtLeastOneRowOnEachSide() {
        // A tiny table must not yield an empty test part (every metric NaN) or an empty training part (nothing to fit).
        int[][] small = Folds.split(3, 0.1, 0);
        assertThat(small[1]).as("test rows of split(3, 0.1)").isNotEmpty();
        assertThat(small[0]).as("train rows of split(3, 0.1)").isNotEmpty();
        int[][] large = Folds.split(3, 0.9, 0);
        assertThat(large[0]).as("train rows of split(3, 0.9)").isNotEmpty();
        assertThat(large[1]).as("test rows of split(3, 0.9)").isNotEmpty();
    }

    @Test
    void splitRefusesFractionsOutsideZeroToOne() {
        for (double f : new double[]{0, 1, -0.1, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> Folds.split(10, f, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(0, 1)");
        }
    }
}
