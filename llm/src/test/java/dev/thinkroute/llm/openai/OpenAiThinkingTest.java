package dev.thinkroute.llm.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.BudgetMethod;
import dev.thinkroute.core.Thinking;
import dev.thinkroute.core.ThinkingSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class OpenAiThinkingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode body(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    private static ObjectNode mapped(String json, ThinkingSupport support, Thinking thinking) throws Exception {
        ObjectNode body = body(json);
        OpenAiThinking.apply(body, support, thinking);
        return body;
    }

    @Test
    void qwen3SetsEnableThinking() throws Exception {
        assertThat(mapped("{\"messages\":[]}", ThinkingSupport.QWEN3, Thinking.ON))
                .isEqualTo(body("{\"messages\":[],\"chat_template_kwargs\":{\"enable_thinking\":true}}"));
        assertThat(mapped("{\"messages\":[]}", ThinkingSupport.QWEN3, Thinking.OFF))
                .isEqualTo(body("{\"messages\":[],\"chat_template_kwargs\":{\"enable_thinking\":false}}"));
    }

    @Test
    void qwen3KeepsOtherKwargsAndReplacesCallerSwitches() throws Exception {
        ObjectNode out = mapped("""
                {"reasoning_effort":"high",
                 "chat_template_kwargs":{"enable_thinking":true,"thinking":true,"add_generation_prompt":true}}""",
                ThinkingSupport.QWEN3, Thinking.OFF);
        assertThat(out).isEqualTo(body("{\"chat_template_kwargs\":{\"add_generation_prompt\":true,\"enable_thinking\":false}}"));
    }

    @Test
    void deepseekSetsThinking() throws Exception {
        assertThat(mapped("{\"chat_template_kwargs\":{\"enable_thinking\":false}}", ThinkingSupport.DEEPSEEK, Thinking.ON))
                .isEqualTo(body("{\"chat_template_kwargs\":{\"thinking\":true}}"));
        assertThat(mapped("{}", ThinkingSupport.DEEPSEEK, Thinking.OFF))
                .isEqualTo(body("{\"chat_template_kwargs\":{\"thinking\":false}}"));
    }

    @Test
    void effortSetsReasoningEffort() throws Exception {
        for (Thinking.Level level : Thinking.Level.values()) {
            assertThat(mapped("{\"reasoning_effort\":\"low\"}", ThinkingSupport.EFFORT, new Thinking.Effort(level)))
                    .isEqualTo(body("{\"reasoning_effort\":\"" + level.label() + "\"}"));
        }
    }

    @Test
    void effortOnLeavesTheServerDefault() throws Exception {
        assertThat(mapped("{\"reasoning_effort\":\"high\",\"chat_template_kwargs\":{\"enable_thinking\":true}}",
                ThinkingSupport.EFFORT, Thinking.ON)).isEqualTo(body("{}"));
    }

    @Test
    void noneAndAlwaysWriteNothing() throws Exception {
        assertThat(mapped("{\"temperature\":0.2,\"reasoning_effort\":\"low\"}", ThinkingSupport.NONE, Thinking.OFF))
                .isEqualTo(body("{\"temperature\":0.2}"));
        assertThat(mapped("{\"chat_template_kwargs\":{\"thinking\":true,\"x\":1}}", ThinkingSupport.ALWAYS, Thinking.ON))
                .isEqualTo(body("{\"chat_template_kwargs\":{\"x\":1}}"));
    }

    @Test
    void refusedSettingsThrowWithTheRefusalText() {
        assertThatThrownBy(() -> mapped("{}", ThinkingSupport.NONE, Thinking.ON))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(ThinkingSupport.NONE.refusal(Thinking.ON));
        assertThatThrownBy(() -> mapped("{}", ThinkingSupport.QWEN3_SOFT, new Thinking.Budget(1024)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without a token budget");
        assertThatThrownBy(() -> mapped("{}", ThinkingSupport.QWEN3, new Thinking.Effort(Thinking.Level.HIGH)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no effort levels");
        assertThatThrownBy(() -> mapped("{}", ThinkingSupport.EFFORT, Thinking.OFF))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("always reasons");
        assertThatThrownBy(() -> mapped("{}", ThinkingSupport.ALWAYS, Thinking.OFF))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mapped("{}", ThinkingSupport.DEEPSEEK, new Thinking.Effort(Thinking.Level.LOW)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void qwen3AndDeepseekBudgetWithTwoCallsOnlyTurnThinkingOn() throws Exception {
        assertThat(mapped("{\"thinking_token_budget\":99,\"max_tokens\":300}", ThinkingSupport.QWEN3, new Thinking.Budget(512)))
                .isEqualTo(body("{\"max_tokens\":300,\"chat_template_kwargs\":{\"enable_thinking\":true}}"));
        assertThat(mapped("{}", ThinkingSupport.DEEPSEEK, new Thinking.Budget(512)))
                .isEqualTo(body("{\"chat_template_kwargs\":{\"thinking\":true}}"));
    }

    @Test
    void serverBudgetSendsThinkingTokenBudgetAndKeepsTheAnswerCap() throws Exception {
        ObjectNode withCap = body("{\"max_tokens\":300}");
        OpenAiThinking.apply(withCap, ThinkingSupport.QWEN3, new Thinking.Budget(512), BudgetMethod.SERVER);
        assertThat(withCap).isEqualTo(body(
                "{\"chat_template_kwargs\":{\"enable_thinking\":true},\"thinking_token_budget\":512,\"max_tokens\":812}"));

        ObjectNode completionCap = body("{\"max_completion_tokens\":100,\"max_tokens\":7}");
        OpenAiThinking.apply(completionCap, ThinkingSupport.DEEPSEEK, new Thinking.Budget(64), BudgetMethod.SERVER);
        assertThat(completionCap).isEqualTo(body(
                "{\"chat_template_kwargs\":{\"thinking\":true},\"thinking_token_budget\":64,\"max_tokens\":164}"));

        ObjectNode noCap = body("{}");
        OpenAiThinking.apply(noCap, ThinkingSupport.QWEN3, new Thinking.Budget(64), BudgetMethod.SERVER);
        assertThat(noCap).isEqualTo(body("{\"chat_template_kwargs\":{\"enable_thinking\":true},\"thinking_token_budget\":64}"));

        ObjectNode on = body("{\"thinking_token_budget\":64}");
        OpenAiThinking.apply(on, ThinkingSupport.QWEN3, Thinking.ON, BudgetMethod.SERVER);
        assertThat(on).as("a leftover budget is removed").isEqualTo(body("{\"chat_template_kwargs\":{\"enable_thinking\":true}}"));
    }

    @Test
    void qwen3SoftSwitchGoesAtTheEndOfTheLastUserMessage() throws Exception {
        assertThat(mapped("{\"messages\":[{\"role\":\"user\",\"content\":\"hi /think\"},{\"role\":\"assistant\",\"content\":\"yo\"},"
                + "{\"role\":\"user\",\"content\":\"2+2? /think\"}],\"chat_template_kwargs\":{\"enable_thinking\":true}}",
                ThinkingSupport.QWEN3_SOFT, Thinking.OFF)).isEqualTo(body(
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi /think\"},{\"role\":\"assistant\",\"content\":\"yo\"},"
                        + "{\"role\":\"user\",\"content\":\"2+2? /no_think\"}]}"));
        assertThat(mapped("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"2+2? /no_think\"}]}]}",
                ThinkingSupport.QWEN3_SOFT, Thinking.ON)).isEqualTo(body(
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"2+2?\"},{\"type\":\"text\",\"text\":\"/think\"}]}]}"));
        assertThat(mapped("{\"messages\":[{\"role\":\"user\",\"content\":\"\"}]}", ThinkingSupport.QWEN3_SOFT, Thinking.ON))
                .isEqualTo(body("{\"messages\":[{\"role\":\"user\",\"content\":\"/think\"}]}"));
    }

    @Test
    void deepseekApiSwitchesTheModel() throws Exception {
        assertThat(mapped("{\"model\":\"deepseek-v3\",\"reasoning_effort\":\"low\"}", ThinkingSupport.DEEPSEEK_API, Thinking.ON))
                .isEqualTo(body("{\"model\":\"deepseek-reasoner\"}"));
        assertThat(mapped("{\"model\":\"deepseek-reasoner\"}", ThinkingSupport.DEEPSEEK_API, Thinking.OFF))
                .isEqualTo(body("{\"model\":\"deepseek-chat\"}"));
    }

    @Test
    void gptOssSetsEffortAndTheHarmonyReasoningLine() throws Exception {
        assertThat(mapped("{\"messages\":[{\"role\":\"system\",\"content\":\"Reasoning: high\\nBe brief.\"},{\"role\":\"user\",\"content\":\"q\"}]}",
                ThinkingSupport.GPT_OSS, new Thinking.Effort(Thinking.Level.LOW))).isEqualTo(body(
                "{\"messages\":[{\"role\":\"system\",\"content\":\"Reasoning: low\\nBe brief.\"},{\"role\":\"user\",\"content\":\"q\"}],"
                        + "\"reasoning_effort\":\"low\"}"));
        assertThat(mapped("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}", ThinkingSupport.GPT_OSS,
                new Thinking.Effort(Thinking.Level.MEDIUM))).isEqualTo(body(
                "{\"messages\":[{\"role\":\"system\",\"content\":\"Reasoning: medium\"},{\"role\":\"user\",\"content\":\"q\"}],"
                        + "\"reasoning_effort\":\"medium\"}"));
        assertThat(mapped("{\"reasoning_effort\":\"high\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\\nreasoning: HIGH\"}]}",
                ThinkingSupport.GPT_OSS, Thinking.ON)).as("on: no reasoning_effort; the caller's own line is kept")
                .isEqualTo(body("{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\\nreasoning: HIGH\"}]}"));
        assertThat(mapped("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}", ThinkingSupport.GPT_OSS, Thinking.ON))
                .as("on without a line: nothing added, the model's default").isEqualTo(body("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}"));
    }

    /**
     * Review finding: gpt-oss at plain 'on' deleted the caller's own "Reasoning: high" line (the way the gpt-oss model
     * card says to set the level) and wrote nothing in its place, so the model silently ran at medium; the gateway
     * never reads that line into a Thinking value.
     */
    @Test
    void gptOssPlainOnKeepsTheCallersOwnReasoningLine() throws Exception {
        ObjectNode body = mapped("""
                {"messages":[{"role":"system","content":"Reasoning: high\\nYou are a careful assistant."},
                             {"role":"user","content":"Prove it."}]}""", ThinkingSupport.GPT_OSS, Thinking.ON);

        assertThat(body.at("/messages/0/content").asText()).isEqualTo("Reasoning: high\nYou are a careful assistant.");
        assertThat(body.has("reasoning_effort")).isFalse();
    }

    @Test
    void nativeBudgetFamiliesAreRefusedOnThisDialect() {
        for (ThinkingSupport s : new ThinkingSupport[] {ThinkingSupport.BUDGET, ThinkingSupport.ADAPTIVE}) {
            assertThatThrownBy(() -> mapped("{}", s, Thinking.ON)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("openai dialect cannot send");
        }
    }

    @Test
    void samplingDefaultsForQwen3ModesOnly() throws Exception {
        ObjectNode on = body("{}");
        OpenAiThinking.sampling(on, ThinkingSupport.QWEN3, new Thinking.Budget(100));
        assertThat(on).isEqualTo(body("{\"temperature\":0.6,\"top_p\":0.95,\"top_k\":20}"));
        ObjectNode off = body("{}");
        OpenAiThinking.sampling(off, ThinkingSupport.QWEN3_SOFT, Thinking.OFF);
        assertThat(off).isEqualTo(body("{\"temperature\":0.7,\"top_p\":0.8,\"top_k\":20}"));
        for (String set : new String[] {"{\"temperature\":0}", "{\"top_p\":0.5}", "{\"top_k\":5}"}) {
            ObjectNode caller = body(set);
            OpenAiThinking.sampling(caller, ThinkingSupport.QWEN3, Thinking.ON);
            assertThat(caller).isEqualTo(body(set));
        }
        for (ThinkingSupport s : new ThinkingSupport[] {ThinkingSupport.DEEPSEEK, ThinkingSupport.EFFORT, ThinkingSupport.GPT_OSS,
                ThinkingSupport.DEEPSEEK_API, ThinkingSupport.NONE, ThinkingSupport.ALWAYS}) {
            ObjectNode other = body("{}");
            OpenAiThinking.sampling(other, s, s == ThinkingSupport.NONE ? Thinking.OFF : Thinking.ON);
            assertThat(other).isEqualTo(body("{}"));
        }
    }
}
