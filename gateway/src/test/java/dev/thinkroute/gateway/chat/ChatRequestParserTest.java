package dev.thinkroute.gateway.chat;

import dev.thinkroute.core.Thinking;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ChatRequestParserTest {

    static ChatRequest parse(String json) {
        return ChatRequestParser.parse(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    static ApiException rejected(String json) {
        return catchThrowableOfType(ApiException.class, () -> parse(json));
    }

    @Test
    void aPlainRequestForcesNothing() {
        ChatRequest r = parse("{'model':'auto','messages':[{'role':'system','content':'be brief'},{'role':'user','content':'What is 2+2?'}]}");
        assertThat(r.model()).isEqualTo("auto");
        assertThat(r.thinking()).isNull();
        assertThat(r.stream()).isFalse();
        assertThat(r.query().text()).isEqualTo("What is 2+2?");
        assertThat(r.query().promptChars()).isEqualTo("be brief".length() + "What is 2+2?".length());
    }

    @Test
    void theRoutingExtensionWinsOverEveryOtherSwitch() {
        ChatRequest r = parse("{'model':'auto','routing':{'model':'qwen3-8b','thinking':'off'},"
                + "'chat_template_kwargs':{'enable_thinking':true},'reasoning_effort':'high',"
                + "'messages':[{'role':'user','content':'hard one /think'}]}");
        assertThat(r.routingModel()).isEqualTo("qwen3-8b");
        assertThat(r.thinking().thinking()).isEqualTo(Thinking.OFF);
        assertThat(r.thinking().via()).isEqualTo("routing.thinking");
        // Every switch is consumed, so the upstream sees only what the dialect maps.
        assertThat(r.forward().has("routing")).isFalse();
        assertThat(r.forward().has("reasoning_effort")).isFalse();
        assertThat(r.forward().has("chat_template_kwargs")).isFalse();
        assertThat(r.forward().at("/messages/0/content").asText()).isEqualTo("hard one");
    }

    @Test
    void enableThinkingWinsOverReasoningEffortAndTheSoftSwitch() {
        ChatRequest r = parse("{'model':'m','chat_template_kwargs':{'enable_thinking':false,'keep':1},'reasoning_effort':'high',"
                + "'messages':[{'role':'user','content':'q /think'}]}");
        assertThat(r.thinking()).isEqualTo(new CallerThinking(Thinking.OFF, "chat_template_kwargs.enable_thinking"));
        assertThat(r.forward().at("/chat_template_kwargs/keep").asInt()).isEqualTo(1);
    }

    @Test
    void reasoningEffortWinsOverTheSoftSwitch() {
        ChatRequest r = parse("{'model':'m','reasoning_effort':'low','messages':[{'role':'user','content':'q /no_think'}]}");
        assertThat(r.thinking()).isEqualTo(new CallerThinking(new Thinking.Effort(Thinking.Level.LOW), "reasoning_effort"));
    }

    @ParameterizedTest
    @CsvSource({"'Solve x /think', on, /think", "'Solve x /no_think  ', off, /no_think"})
    void aTrailingSoftSwitchIsReadAndStripped(String content, String thinking, String via) {
        ChatRequest r = parse("{'model':'m','messages':[{'role':'user','content':'" + content + "'}]}");
        assertThat(r.thinking()).isEqualTo(new CallerThinking(Thinking.parse(thinking), via));
        assertThat(r.forward().at("/messages/0/content").asText()).isEqualTo("Solve x");
        assertThat(r.query().text()).isEqualTo("Solve x");
    }

    @Test
    void theSoftSwitchInTheMiddleOfATextIsLeftAlone() {
        ChatRequest r = parse("{'model':'m','messages':[{'role':'user','content':'what does /think do in Qwen3?'}]}");
        assertThat(r.thinking()).isNull();
    }

    @Test
    void theSoftSwitchIsReadFromTheLastUserMessageOnlyAndFromTextParts() {
        ChatRequest r = parse("{'model':'m','messages':[{'role':'user','content':'a /think'},{'role':'assistant','content':'b'},"
                + "{'role':'user','content':[{'type':'text','text':'first'},{'type':'text','text':'second /no_think'}]}]}");
        assertThat(r.thinking().thinking()).isEqualTo(Thinking.OFF);
        assertThat(r.forward().at("/messages/2/content/1/text").asText()).isEqualTo("second");
        assertThat(r.forward().at("/messages/0/content").asText()).isEqualTo("a /think");
        assertThat(r.query().text()).isEqualTo("first\nsecond");
    }

    @Test
    void routingThinkingAcceptsBudgetsAndBooleans() {
        assertThat(parse("{'model':'m','routing':{'thinking':2048},'messages':[{'role':'user','content':'q'}]}").thinking().thinking())
                .isEqualTo(new Thinking.Budget(2048));
        assertThat(parse("{'model':'m','routing':{'thinking':true},'messages':[{'role':'user','content':'q'}]}").thinking().thinking())
                .isEqualTo(Thinking.ON);
    }

    @Test
    void streamOptionsAreRead() {
        ChatRequest r = parse("{'model':'m','stream':true,'stream_options':{'include_usage':true},'messages':[{'role':'user','content':'q'}]}");
        assertThat(r.stream()).isTrue();
        assertThat(r.includeUsage()).isTrue();
    }

    @Test
    void otherFieldsAreForwardedUntouched() {
        ChatRequest r = parse("{'model':'m','temperature':0.2,'max_tokens':64,'tools':[{'type':'function','function':{'name':'f'}}],"
                + "'messages':[{'role':'user','content':'q'}]}");
        assertThat(r.forward().get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(r.forward().get("max_tokens").asInt()).isEqualTo(64);
        assertThat(r.forward().at("/tools/0/function/name").asText()).isEqualTo("f");
    }

    @Test
    void malformedJsonSaysWhere() {
        ApiException e = catchThrowableOfType(ApiException.class,
                () -> ChatRequestParser.parse("{\"model\": \"m\",\n \"messages\": [}".getBytes(StandardCharsets.UTF_8)));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("invalid_json");
        assertThat(e.getMessage()).contains("line 2");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "empty body                 | \"\"                                                                  | \"\"                | empty",
            "not an object              | [1,2]                                                                 | \"\"                | must be a JSON object",
            "missing model              | {'messages':[{'role':'user','content':'q'}]}                          | model               | 'model' is required",
            "model not a string         | {'model':3,'messages':[{'role':'user','content':'q'}]}                | model               | must be a string",
            "missing messages           | {'model':'m'}                                                         | messages            | 'messages' is required",
            "empty messages             | {'model':'m','messages':[]}                                           | messages            | must not be empty",
            "messages not an array      | {'model':'m','messages':'hi'}                                         | messages            | must be an array",
            "message not an object      | {'model':'m','messages':['hi']}                                       | messages[0]         | must be an object",
            "bad role                   | {'model':'m','messages':[{'role':'robot','content':'q'}]}             | messages[0].role    | must be one of",
            "missing content            | {'model':'m','messages':[{'role':'user'}]}                            | messages[0].content | is required",
            "content a number           | {'model':'m','messages':[{'role':'user','content':5}]}                | messages[0].content | string or an array",
            "image part                 | {'model':'m','messages':[{'role':'user','content':[{'type':'image_url','image_url':{'url':'x'}}]}]} | messages[0].content[0].type | 'image_url'",
            "stream not boolean         | {'model':'m','stream':'yes','messages':[{'role':'user','content':'q'}]} | stream            | true or false",
            "bad thinking               | {'model':'m','routing':{'thinking':'lots'},'messages':[{'role':'user','content':'q'}]} | routing.thinking | unknown thinking value 'lots'",
            "unknown routing key        | {'model':'m','routing':{'alpah':1},'messages':[{'role':'user','content':'q'}]} | routing.alpah  | accepts: model, thinking, alpha, max_cost, arms",
            "bad reasoning_effort       | {'model':'m','reasoning_effort':'extreme','messages':[{'role':'user','content':'q'}]} | reasoning_effort | 'extreme'",
            "enable_thinking not bool   | {'model':'m','chat_template_kwargs':{'enable_thinking':'yes'},'messages':[{'role':'user','content':'q'}]} | chat_template_kwargs.enable_thinking | true or false",
            "max_tokens negative        | {'model':'m','max_tokens':-5,'messages':[{'role':'user','content':'q'}]} | max_tokens       | positive integer",
            "temperature a string       | {'model':'m','temperature':'hot','messages':[{'role':'user','content':'q'}]} | temperature  | must be a number",
            "n above one                | {'model':'m','n':3,'messages':[{'role':'user','content':'q'}]}        | n                   | must be 1",
    })
    void badInputIsA400NamingTheField(String name, String json, String param, String message) {
        ApiException e = rejected(json);
        assertThat(e).as(name).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.type()).isEqualTo("invalid_request_error");
        assertThat(e.param()).isEqualTo(param.isEmpty() ? null : param);
        assertThat(e.getMessage()).contains(message);
    }

    @Test
    void duplicateKeysAreRejectedRatherThanSilentlyResolved() {
        assertThatThrownBy(() -> parse("{'model':'a','model':'b','messages':[{'role':'user','content':'q'}]}"))
                .isInstanceOf(ApiException.class).hasMessageContaining("Duplicate field 'model'");
    }

    @Test
    void routingConstraintsForLearnedRoutersAreRead() {
        ChatRequest r = parse("{'model':'auto','routing':{'alpha':0.5,'max_cost':0.002,'arms':['qwen3-8b:off','o4-mini']},"
                + "'messages':[{'role':'user','content':'q'}]}");
        assertThat(r.query().constraints().alpha()).isEqualTo(0.5);
        assertThat(r.query().constraints().maxCostUsd()).isEqualTo(0.002);
        assertThat(r.query().constraints().arms()).containsExactlyInAnyOrder("qwen3-8b:off", "o4-mini");
        assertThat(parse("{'model':'auto','messages':[{'role':'user','content':'q'}]}").query().constraints().isNone()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "{'alpha':-1}          | routing.alpha    | number >= 0",
            "{'alpha':'high'}      | routing.alpha    | number >= 0",
            "{'max_cost':-0.1}     | routing.max_cost | USD >= 0",
            "{'arms':[]}           | routing.arms     | non-empty array",
            "{'arms':['a', 3]}     | routing.arms[1]  | an arm (model:thinking) or a model name",
    })
    void badRoutingConstraintsAreA400NamingTheField(String routing, String param, String message) {
        ApiException e = rejected("{'model':'auto','routing':" + routing + ",'messages':[{'role':'user','content':'q'}]}");
        assertThat(e.param()).isEqualTo(param);
        assertThat(e.getMessage()).contains(message);
    }
}
