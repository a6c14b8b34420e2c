package dev.thinkroute.core.route;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Decision;
import dev.thinkroute.core.Reason;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EscalationRuleTest {

    private final EscalationRule rule = new EscalationRule("auto", Arm.parse("small:off"), Arm.parse("big:on"), 100, List.of("Prove"));

    @Test
    void shortPlainQueriesGoToTheCheapArm() {
        Decision d = rule.route(Query.of("What is 2 + 2?"));
        assertThat(d.arm().label()).isEqualTo("small:off");
        assertThat(d.reason()).isInstanceOf(Reason.ProfileRule.class);
        assertThat(d.reason().detail()).contains("placeholder rule");
    }

    @Test
    void longPromptsEscalate() {
        Decision d = rule.route(new Query("short", 150));
        assertThat(d.arm().label()).isEqualTo("big:on");
        assertThat(d.reason().detail()).contains("150 chars");
    }

    @Test
    void keywordsEscalateCaseInsensitively() {
        Decision d = rule.route(Query.of("please prove that sqrt 2 is irrational"));
        assertThat(d.arm().label()).isEqualTo("big:on");
        assertThat(d.reason().detail()).contains("'prove'");
    }
}
