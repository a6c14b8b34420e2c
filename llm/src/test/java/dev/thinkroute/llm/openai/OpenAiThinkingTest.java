package dev.thinkroute.llm.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
        assertThatThrownBy(() -> mapped("{}", ThinkingSupport.QWEN3, new Thinking.Budget(1024)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without a token budget");
        assertThatThrownBy(() -> mapped("{}", ThinkingSupport.EFFORT, Thinking.OFF))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("always reasons");
        assertThatThrownBy(() -> mapped("{}", ThinkingSupport.ALWAYS, Thinking.OFF))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mapped("{}", ThinkingSupport.DEEPSEEK, new Thinking.Effort(Thinking.Level.LOW)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
