package dev.thinkroute.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class CascadeTableTest {

    /** Level 0 barely gains from escalating, level 2 gains 0.3, level 3 gains 0.6; level 1 never seen. */
    static final CascadeTable TABLE = new CascadeTable(List.of(
            new CascadeTable.Level(0, 100, 0.80, 0.82),
            new CascadeTable.Level(2, 50, 0.30, 0.60),
            new CascadeTable.Level(3, 20, 0.05, 0.65)), 2.0, 2.0, 0.1, "test");

    @Test
    void levelsAddAFormFailureAndADisagreement() {
        assertThat(CascadeTable.level(false, true)).isZero();
        assertThat(CascadeTable.level(true, true)).isEqualTo(1);
        assertThat(CascadeTable.level(false, false)).isEqualTo(2);
        assertThat(CascadeTable.level(true, false)).isEqualTo(3);
        assertThat(CascadeTable.level(true, null)).as("one sample: no agreement signal").isEqualTo(1);
    }

    @Test
    void escalatesWhereTheGainPaysForTheCallAtAlpha() {
        // gain > α · expensiveCost / costScale, here > α.
        assertThat(TABLE.escalate(0, 0.1)).isFalse();
        assertThat(TABLE.escalate(2, 0.1)).isTrue();
        assertThat(TABLE.escalate(3, 0.1)).isTrue();
        assertThat(TABLE.escalate(2, 0.3)).as("strictly more than the price").isFalse();
        assertThat(TABLE.escalate(3, 0.5)).isTrue();
        assertThat(TABLE.escalate(0, 0)).as("α = 0 buys any gain").isTrue();
        assertThat(TABLE.escalate(1, 100)).as("a level never seen escalates").isTrue();
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new CascadeTable(List.of(), 1, 0, 0.1, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CascadeTable(List.of(), 1, 1, -1, "x")).hasMessageContaining("alpha");
    }
}
