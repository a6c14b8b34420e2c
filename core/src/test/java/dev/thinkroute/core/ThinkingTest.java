package dev.thinkroute.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ThinkingTest {

    @ParameterizedTest
    @ValueSource(strings = {"off", "on", "on@2048", "low", "medium", "high"})
    void canonicalLabelsRoundTrip(String label) {
        assertThat(Thinking.parse(label).label()).isEqualTo(label);
    }

    @Test
    void acceptsCommonSynonyms() {
        assertThat(Thinking.parse("true")).isEqualTo(Thinking.ON);
        assertThat(Thinking.parse(" No_Think ")).isEqualTo(Thinking.OFF);
        assertThat(Thinking.parse("1024")).isEqualTo(new Thinking.Budget(1024));
        assertThat(Thinking.parse("HIGH")).isEqualTo(new Thinking.Effort(Thinking.Level.HIGH));
    }

    @Test
    void unknownValuesNameTheAcceptedOnes() {
        assertThatThrownBy(() -> Thinking.parse("maybe"))
                .hasMessageContaining("'maybe'").hasMessageContaining("on@<tokens>");
        assertThatThrownBy(() -> Thinking.parse("on@0")).hasMessageContaining("positive");
        assertThatThrownBy(() -> Thinking.parse("on@99999999999")).hasMessageContaining("too large");
    }

    @Test
    void onlyOffDoesNotThink() {
        assertThat(Thinking.OFF.thinks()).isFalse();
        assertThat(Thinking.ON.thinks()).isTrue();
        assertThat(new Thinking.Budget(10).thinks()).isTrue();
    }

    @Test
    void armLabelsSplitAtTheLastColonSoOllamaNamesWork() {
        Arm arm = Arm.parse("qwen3:8b:on@512");
        assertThat(arm.model()).isEqualTo("qwen3:8b");
        assertThat(arm.thinking()).isEqualTo(new Thinking.Budget(512));
        assertThat(arm.label()).isEqualTo("qwen3:8b:on@512");
        assertThatThrownBy(() -> Arm.parse("gpt-4")).hasMessageContaining("model:thinking");
    }
}
