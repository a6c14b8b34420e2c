package dev.thinkroute.core;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PoolTest {

    static ModelCard card(String name, ThinkingSupport thinking, double in, double out) {
        return new ModelCard(name, Dialect.OPENAI, URI.create("http://localhost:8000/v1"), null, null,
                new Prices(in, out), null, 0, thinking, "", null);
    }

    private final Pool pool = new Pool(List.of(
            card("qwen3-8b", ThinkingSupport.QWEN3, 0.05, 0.25),
            card("o4-mini", ThinkingSupport.EFFORT, 1.1, 4.4),
            card("llama", ThinkingSupport.NONE, 0.1, 0.1),
            card("r1", ThinkingSupport.ALWAYS, 0.5, 2)));

    @Test
    void armsFollowEachModelsThinkingSupport() {
        assertThat(pool.arms()).extracting(Arm::label).containsExactly(
                "qwen3-8b:off", "qwen3-8b:on", "o4-mini:low", "o4-mini:medium", "o4-mini:high", "llama:off", "r1:on");
    }

    @Test
    void problemWithSaysWhyAnArmCannotBeUsed() {
        assertThat(pool.problemWith(Arm.parse("qwen3-8b:on"))).isEmpty();
        assertThat(pool.problemWith(Arm.parse("llama:on"))).get().asString().contains("no thinking mode");
        assertThat(pool.problemWith(Arm.parse("o4-mini:off"))).get().asString().contains("always reasons");
        assertThat(pool.problemWith(Arm.parse("qwen3-8b:high"))).get().asString().contains("no effort levels");
        assertThat(pool.problemWith(Arm.parse("r1:off"))).get().asString().contains("only 'on'");
        assertThat(pool.problemWith(Arm.parse("gpt-9:off"))).get().asString().contains("unknown model 'gpt-9'").contains("qwen3-8b");
    }

    @Test
    void duplicateNamesAreRejected() {
        assertThatThrownBy(() -> new Pool(List.of(card("a", ThinkingSupport.NONE, 0, 0), card("a", ThinkingSupport.NONE, 0, 0))))
                .hasMessageContaining("'a' appears twice");
    }

    @Test
    void costCountsReasoningAsOutputAtListPrices() {
        ModelCard o4 = pool.require("o4-mini");
        // 1000 prompt tokens, 3000 completion tokens of which 2500 reasoning: reasoning is already inside output.
        Usage usage = new Usage(1000, 3000, 2500);
        assertThat(o4.cost(usage)).isCloseTo((1000 * 1.1 + 3000 * 4.4) / 1e6, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void reasoningReportedOutsideCompletionTokensIsFoldedIn() {
        Usage usage = new Usage(10, 5, 20);
        assertThat(usage.outputTokens()).isEqualTo(25);
        assertThatThrownBy(() -> new Prices(-1, 0)).hasMessageContaining("non-negative");
    }
}
