package dev.thinkroute.gateway.chat;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Dialect;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Pool;
import dev.thinkroute.core.Prices;
import dev.thinkroute.core.Reason;
import dev.thinkroute.core.ThinkingSupport;
import dev.thinkroute.core.route.EscalationRule;
import dev.thinkroute.core.route.FixedArmRouter;
import dev.thinkroute.core.route.Profile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.thinkroute.gateway.chat.ChatRequestParserTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ArmSelectorTest {

    static ModelCard card(String name, ThinkingSupport thinking) {
        return new ModelCard(name, Dialect.OPENAI, URI.create("http://localhost:8000/v1"), null, null, Prices.FREE, null, 0, thinking, "", null);
    }

    private final Pool pool = new Pool(List.of(card("qwen3-8b", ThinkingSupport.QWEN3), card("o4-mini", ThinkingSupport.EFFORT),
            card("llama", ThinkingSupport.NONE)));
    private final Map<String, Profile> profiles = new LinkedHashMap<>();
    private final ArmSelector selector;

    ArmSelectorTest() {
        profiles.put("auto", new Profile("auto", "", new EscalationRule("auto", Arm.parse("qwen3-8b:off"), Arm.parse("o4-mini:high"), 50, List.of())));
        profiles.put("cheap", new Profile("cheap", "", new FixedArmRouter("cheap", Arm.parse("llama:off"))));
        selector = new ArmSelector(pool, profiles);
    }

    private ArmSelector.Selection select(String json) {
        return selector.select(parse(json));
    }

    @Test
    void aConcreteModelAnswersWithItsDefaultThinking() {
        ArmSelector.Selection s = select("{'model':'qwen3-8b','messages':[{'role':'user','content':'q'}]}");
        assertThat(s.decision().arm().label()).isEqualTo("qwen3-8b:on");
        assertThat(s.decision().reason()).isInstanceOf(Reason.CallerForced.class);
        assertThat(s.decision().reason().detail()).contains("its default");
        assertThat(s.profile()).isNull();
    }

    @Test
    void theSoftSwitchTurnsAHybridModelsThinkingOff() {
        ArmSelector.Selection s = select("{'model':'qwen3-8b','messages':[{'role':'user','content':'2+2? /no_think'}]}");
        assertThat(s.decision().arm().label()).isEqualTo("qwen3-8b:off");
        assertThat(s.decision().reason().detail()).contains("/no_think");
    }

    @Test
    void aProfileDecidesWithItsRule() {
        ArmSelector.Selection s = select("{'model':'auto','messages':[{'role':'user','content':'short'}]}");
        assertThat(s.decision().arm().label()).isEqualTo("qwen3-8b:off");
        assertThat(s.decision().reason().code()).isEqualTo("profile-rule");
        assertThat(s.profile()).isEqualTo("auto");
    }

    @Test
    void forcedThinkingOverridesTheProfilesThinkingButKeepsItsModel() {
        ArmSelector.Selection s = select("{'model':'auto','messages':[{'role':'user','content':'short /think'}]}");
        assertThat(s.decision().arm().label()).isEqualTo("qwen3-8b:on");
        assertThat(s.decision().reason().code()).isEqualTo("caller-forced");
        assertThat(s.decision().reason().detail()).contains("profile 'auto' chose model 'qwen3-8b'");
    }

    @Test
    void routingModelOverridesTheModelField() {
        ArmSelector.Selection s = select("{'model':'auto','routing':{'model':'o4-mini','thinking':'low'},'messages':[{'role':'user','content':'q'}]}");
        assertThat(s.decision().arm().label()).isEqualTo("o4-mini:low");
        assertThat(((Reason.CallerForced) s.decision().reason()).via()).isEqualTo("routing.model");
    }

    @Test
    void anUnknownModelIsA404ListingTheKnownNames() {
        ApiException e = catchThrowableOfType(ApiException.class, () -> select("{'model':'gpt-9','messages':[{'role':'user','content':'q'}]}"));
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.code()).isEqualTo("model_not_found");
        assertThat(e.param()).isEqualTo("model");
        assertThat(e.getMessage()).contains("'gpt-9'").contains("auto, cheap, qwen3-8b, o4-mini, llama");
    }

    @Test
    void thinkingAModelCannotDoIsA400NamingTheFieldItCameFrom() {
        ApiException e = catchThrowableOfType(ApiException.class,
                () -> select("{'model':'llama','reasoning_effort':'high','messages':[{'role':'user','content':'q'}]}"));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.param()).isEqualTo("reasoning_effort");
        assertThat(e.getMessage()).contains("model 'llama' cannot take thinking 'high'");

        ApiException soft = catchThrowableOfType(ApiException.class,
                () -> select("{'model':'cheap','messages':[{'role':'user','content':'q /think'}]}"));
        assertThat(soft.param()).isEqualTo("messages");
    }

    @Test
    void reasoningEffortOnAnOnOffModelIsReadAsOnAndTheReasonSaysSo() {
        ArmSelector.Selection s = select("{'model':'qwen3-8b','reasoning_effort':'high','messages':[{'role':'user','content':'q'}]}");
        assertThat(s.decision().arm().label()).isEqualTo("qwen3-8b:on");
        assertThat(s.decision().reason().detail()).contains("reasoning_effort: 'high' read as 'on', since qwen3-8b has no effort levels");

        ArmSelector.Selection viaProfile = select("{'model':'auto','reasoning_effort':'low','messages':[{'role':'user','content':'short'}]}");
        assertThat(viaProfile.decision().arm().label()).isEqualTo("qwen3-8b:on");
        assertThat(((Reason.CallerForced) viaProfile.decision().reason()).via()).isEqualTo("reasoning_effort");
    }
}
