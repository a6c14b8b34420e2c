package dev.thinkroute.core.metric;

import dev.thinkroute.core.metric.Frontier.Point;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AiqTest {

    private static final org.assertj.core.data.Offset<Double> EPS = within(1e-12);

    @Test
    void areaUnderTheHandDrawnHull() {
        // Hull of FrontierTest.ZIGZAG: A(1,.2) B(2,.6) E(4,.8) F(5,.85). Over [0, 6]:
        //   [0,1] left of the first point     0
        //   [1,2] (.2+.6)/2 · 1             = 0.4
        //   [2,4] (.6+.8)/2 · 2             = 1.4
        //   [4,5] (.8+.85)/2 · 1            = 0.825
        //   [5,6] flat at .85               = 0.85
        //   total 3.475, / 6                = 0.5791666…
        assertThat(Aiq.aiq(FrontierTest.ZIGZAG, 0, 6)).isCloseTo(3.475 / 6, EPS);
    }

    @Test
    void rangeInsideTheHullIsClippedByInterpolation() {
        // Over [1.5, 4.5]: hull at 1.5 is .4, at 4.5 is .825.
        //   [1.5,2] (.4+.6)/2 · .5   = 0.25
        //   [2,4]   (.6+.8)/2 · 2    = 1.4
        //   [4,4.5] (.8+.825)/2 · .5 = 0.40625
        //   total 2.05625, / 3
        assertThat(Aiq.aiq(FrontierTest.ZIGZAG, 1.5, 4.5)).isCloseTo(2.05625 / 3, EPS);
    }

    @Test
    void onePointIsFlatFromItsCost() {
        // (2, .9) over [0, 6]: nothing on [0,2], .9 on [2,6] -> .9 · 4 / 6 = .6
        assertThat(Aiq.aiq(List.of(new Point(2, 0.9)), 0, 6)).isCloseTo(0.6, EPS);
        // Cheaper than the whole range: flat over all of it.
        assertThat(Aiq.aiq(List.of(new Point(-1, 0.9)), 0, 6)).isCloseTo(0.9, EPS);
        // Dearer than the whole range: nothing counted.
        assertThat(Aiq.aiq(List.of(new Point(7, 0.9)), 0, 6)).isZero();
    }

    @Test
    void shareOfTheOracle() {
        // Oracle (2, .9) has AIQ .6 over [0, 6]; the zig-zag router 0.5791666… -> 0.96527…
        assertThat(Aiq.shareOfOracle(FrontierTest.ZIGZAG, new Point(2, 0.9), 0, 6)).isCloseTo(3.475 / 6 / 0.6, EPS);
        assertThat(Aiq.shareOfOracle(FrontierTest.ZIGZAG, new Point(7, 0.9), 0, 6)).isNaN();
    }

    @Test
    void singleArmsWithAFixedRangeScoreTheirOwnHull() {
        // Single arms of Tables.fourByThree over their own range [1.25, 8]:
        //   [1.25,3.25] (.25+.625)/2 · 2 = 0.875 ; [3.25,8] (.625+.875)/2 · 4.75 = 3.5625 ; / 6.75
        OutcomeMatrix m = Tables.fourByThree();
        assertThat(Aiq.aiq(Baselines.singleArmPoints(m), 1.25, 8)).isCloseTo((0.875 + 3.5625) / 6.75, EPS);
        // The oracle (4.25, .875) over the same range: .875 · 3.75 / 6.75
        assertThat(Aiq.aiq(List.of(Baselines.oracle(m).point("oracle")), 1.25, 8)).isCloseTo(0.875 * 3.75 / 6.75, EPS);
    }

    @Test
    void zeroWidthRangeIsTheQualityThere() {
        // One arm, or all arms at equal cost: the range has no width.
        assertThat(Aiq.aiq(List.of(new Point(3, 0.7)), 3, 3)).isEqualTo(0.7);
        assertThat(Aiq.aiq(List.of(new Point(4, 0.7)), 3, 3)).isZero();
    }

    @Test
    void undefinedInputs() {
        assertThat(Aiq.aiq(List.of(), 0, 1)).isNaN();
        assertThat(Aiq.aiq(List.of(new Point(Double.NaN, 1)), 0, 1)).isNaN();
        assertThatThrownBy(() -> Aiq.aiq(List.of(new Point(1, 1)), 2, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Aiq.aiq(List.of(new Point(1, 1)), 0, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
