package dev.thinkroute.core.metric;

import dev.thinkroute.core.metric.Frontier.Point;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FrontierTest {

    /**
     * A zig-zag sweep. Cheap to dear: A rises to B, C dips, D climbs back but stays under the chord B–E
     * (0.6 + 0.1·1.5 = 0.75 > 0.65), E and F rise, G falls, and B2 costs as much as B but is worse.
     */
    static final List<Point> ZIGZAG = List.of(
            new Point(4, 0.8, "E"), new Point(1, 0.2, "A"), new Point(3, 0.5, "C"), new Point(2, 0.6, "B"),
            new Point(3.5, 0.65, "D"), new Point(6, 0.7, "G"), new Point(5, 0.85, "F"), new Point(2, 0.3, "B2"),
            new Point(Double.NaN, 1.0, "broken"));

    @Test
    void sortsByCostBetterFirstAndDropsNaN() {
        assertThat(Frontier.sortedByCost(ZIGZAG)).extracting(Point::label)
                .containsExactly("A", "B", "B2", "C", "D", "E", "F", "G");
    }

    @Test
    void paretoFrontierKeepsPointsThatBeatEveryCheaperOne() {
        assertThat(Frontier.paretoFrontier(ZIGZAG)).extracting(Point::label).containsExactly("A", "B", "D", "E", "F");
    }

    @Test
    void convexHullDropsParetoPointsUnderAChord() {
        // Slopes A→B 0.4, B→E 0.1, E→F 0.05: decreasing, so concave; D lies under B→E.
        assertThat(Frontier.convexHull(ZIGZAG)).extracting(Point::label).containsExactly("A", "B", "E", "F");
    }

    @Test
    void hullDropsPointsOnAnEdge() {
        List<Point> line = List.of(new Point(0, 0), new Point(1, 0.5), new Point(2, 1));
        assertThat(Frontier.convexHull(line)).containsExactly(new Point(0, 0), new Point(2, 1));
    }

    @Test
    void equalCostsKeepOnlyTheBest() {
        List<Point> same = List.of(new Point(1, 0.3, "x"), new Point(1, 0.7, "y"), new Point(1, 0.5, "z"));
        assertThat(Frontier.convexHull(same)).extracting(Point::label).containsExactly("y");
    }

    @Test
    void emptyAndSinglePoints() {
        assertThat(Frontier.convexHull(List.of())).isEmpty();
        assertThat(Frontier.convexHull(List.of(new Point(2, 0.4)))).containsExactly(new Point(2, 0.4));
    }

    @Test
    void interpolatesLinearlyFlatAfterTheEnd() {
        List<Point> hull = Frontier.convexHull(ZIGZAG);
        assertThat(Frontier.interpolate(hull, 0.5)).isNaN();
        assertThat(Frontier.interpolate(hull, 1.5)).isCloseTo(0.4, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(Frontier.interpolate(hull, 3)).isCloseTo(0.7, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(Frontier.interpolate(hull, 9)).isEqualTo(0.85);
    }
}
