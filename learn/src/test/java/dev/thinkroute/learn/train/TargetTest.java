package dev.thinkroute.learn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TargetTest {

    @Test
    void parsesTheThreeForms() {
        assertThat(Target.parse("cost=0.002")).isEqualTo(new Target.MeanCost(0.002));
        assertThat(Target.parse("strong-share=0.3")).isEqualTo(new Target.StrongShare(0.3));
        assertThat(Target.parse("quality-drop=0.01")).isEqualTo(new Target.QualityFloor(0.01));
    }

    @Test
    void toleratesSpacesAndCaseInTheKey() {
        assertThat(Target.parse(" Cost = 1e-3 ")).isEqualTo(new Target.MeanCost(0.001));
        assertThat(Target.parse("STRONG-SHARE=0")).isEqualTo(new Target.StrongShare(0));
        assertThat(Target.parse("quality-drop=0")).isEqualTo(new Target.QualityFloor(0));
    }

    @Test
    void labelsParseBackToTheSameTarget() {
        for (Target t : new Target[]{new Target.MeanCost(0.0025), new Target.StrongShare(0.25), new Target.QualityFloor(0.0)}) {
            assertThat(Target.parse(t.label())).isEqualTo(t);
        }
        assertThat(new Target.QualityFloor(0.01).label()).isEqualTo("quality-drop=0.01");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"0.3", "=0.3", "cost", "speed=1", "strong_share=0.3", "quality=0.9"})
    void rejectsUnknownFormsNamingTheAcceptedOnes(String text) {
        assertThatThrownBy(() -> Target.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cost=")
                .hasMessageContaining("strong-share=")
                .hasMessageContaining("quality-drop=");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cost=abc", "strong-share=", "quality-drop=1%", "cost=0.002=3"})
    void rejectsAMissingOrBadNumberQuotingTheInput(String text) {
        assertThatThrownBy(() -> Target.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining("number");
    }

    @Test
    void rejectsValuesOutsideEachFormsRange() {
        assertThatThrownBy(() -> Target.parse("cost=0")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
        assertThatThrownBy(() -> Target.parse("cost=-0.5")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
        assertThatThrownBy(() -> Target.parse("cost=NaN")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Target.parse("strong-share=1.5")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> Target.parse("strong-share=-0.1")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> Target.parse("quality-drop=1")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 1)");
        assertThatThrownBy(() -> Target.parse("quality-drop=-0.01")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 1)");
    }

    @Test
    void theAcceptedFormsAreSpelledOutForUsers() {
        assertThat(Target.ACCEPTED).contains("cost=").contains("strong-share=").contains("quality-drop=");
    }
}
