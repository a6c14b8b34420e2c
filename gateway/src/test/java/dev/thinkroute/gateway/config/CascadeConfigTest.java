package dev.thinkroute.gateway.config;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Thinking;
import dev.thinkroute.core.route.Cascade;
import dev.thinkroute.core.route.Profile;
import org.junit.jupiter.api.Test;

import static dev.thinkroute.gateway.config.ConfigValidationTest.ONE_MODEL;
import static dev.thinkroute.gateway.config.ConfigValidationTest.SOURCE;
import static dev.thinkroute.gateway.config.ConfigValidationTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

/** A cascade profile in the config: what loads, and what each mistake is told. */
class CascadeConfigTest {

    static GatewayConfig load(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, SOURCE);
    }

    @Test
    void aValidCascadeProfileLoads() throws ConfigException {
        GatewayConfig config = load(ONE_MODEL + """
                profiles:
                  careful:
                    cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on", samples: 3, checks: text}
                    description: cheap first, thinking when unsure
                """);

        Profile profile = config.profile("careful").orElseThrow();
        assertThat(profile.description()).isEqualTo("cheap first, thinking when unsure");
        assertThat(profile.router()).isEqualTo(new Cascade("careful", new Arm("qwen3-8b", Thinking.OFF),
                new Arm("qwen3-8b", Thinking.ON), 3, Cascade.Checks.TEXT));
    }

    @Test
    void samplesDefaultToTwoAndChecksToMathAndTheDescriptionSaysWhatItDoes() throws ConfigException {
        GatewayConfig config = load(ONE_MODEL + """
                profiles:
                  careful:
                    cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on@1024"}
                """);

        Profile profile = config.profile("careful").orElseThrow();
        assertThat(profile.router()).isEqualTo(new Cascade("careful", new Arm("qwen3-8b", Thinking.OFF),
                new Arm("qwen3-8b", new Thinking.Budget(1024)), 2, Cascade.Checks.MATH));
        assertThat(profile.description()).isEqualTo("cascade: qwen3-8b:off first, qwen3-8b:on@1024 when unsure");
    }

    @Test
    void checksAreReadWhateverTheirCase() throws ConfigException {
        GatewayConfig config = load(ONE_MODEL + """
                profiles:
                  careful: {cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on", samples: 1, checks: " MATH "}}
                """);

        assertThat(((Cascade) config.profile("careful").orElseThrow().router()).checks()).isEqualTo(Cascade.Checks.MATH);
    }

    @Test
    void aCascadeProfileSitsBesideOtherProfiles() throws ConfigException {
        GatewayConfig config = load(ONE_MODEL + """
                profiles:
                  auto: {rule: escalate, cheap: "qwen3-8b:off", strong: "qwen3-8b:on"}
                  careful: {cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on"}}
                  fast: {arm: "qwen3-8b:off"}
                """);

        assertThat(config.profiles().keySet()).containsExactly("auto", "careful", "fast");
        assertThat(config.profile("careful").orElseThrow().router()).isInstanceOf(Cascade.class);
    }

    @Test
    void needsBothArms() {
        assertThat(problems(ONE_MODEL + """
                profiles:
                  a:
                    cascade: {strong: "qwen3-8b:on"}
                  b:
                    cascade: {cheap: "qwen3-8b:off"}
                """)).containsExactly(
                "profiles.a.cascade.cheap: is required; the arm that answers first, e.g. qwen3-8b:off (line 8)",
                "profiles.b.cascade.strong: is required; the arm to escalate to, e.g. qwen3-8b:on (line 10)");
    }

    @Test
    void armsMustNameKnownModels() {
        assertThat(problems(ONE_MODEL + """
                profiles:
                  careful:
                    cascade:
                      cheap: qwen3-8:off
                      strong: gpt-5:on
                """)).containsExactly(
                "profiles.careful.cascade.cheap: unknown model 'qwen3-8'; did you mean 'qwen3-8b'? known models: qwen3-8b (line 9)",
                "profiles.careful.cascade.strong: unknown model 'gpt-5'; known models: qwen3-8b (line 10)");
    }

    @Test
    void armsMustUseAThinkingTheModelAccepts() {
        assertThat(problems(ONE_MODEL + """
                profiles:
                  careful:
                    cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:high"}
                """)).containsExactly(
                "profiles.careful.cascade.strong: model 'qwen3-8b' cannot take thinking 'high': its thinking (qwen3) has no effort "
                        + "levels; use 'off', 'on' or a budget such as 'on@2048' (line 8)");
    }

    @Test
    void samplesAreOneToThree() {
        assertThat(problems(ONE_MODEL + """
                profiles:
                  none:
                    cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on", samples: 0}
                  many:
                    cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on", samples: 4}
                  half:
                    cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on", samples: 1.5}
                  quoted:
                    cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on", samples: "2"}
                """)).containsExactly(
                "profiles.none.cascade.samples: must be a whole number of cheap answers to compare, 1 to 3, got 0 (line 8)",
                "profiles.many.cascade.samples: must be a whole number of cheap answers to compare, 1 to 3, got 4 (line 10)",
                "profiles.half.cascade.samples: must be a whole number of cheap answers to compare, 1 to 3, got 1.5 (line 12)",
                "profiles.quoted.cascade.samples: must be a whole number of cheap answers to compare, 1 to 3, got '2' "
                        + "(a number in quotes is text; remove the quotes) (line 14)");
    }

    @Test
    void checksAreMathOrText() {
        assertThat(problems(ONE_MODEL + """
                profiles:
                  careful:
                    cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on", checks: fuzzy}
                """)).containsExactly(
                "profiles.careful.cascade.checks: unknown checks 'fuzzy'; expected math or text (line 8)");
    }

    @Test
    void strongMustDifferFromCheap() {
        assertThat(problems(ONE_MODEL + """
                profiles:
                  careful:
                    cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:off"}
                """)).containsExactly(
                "profiles.careful.cascade.strong: is the same arm as 'cheap'; a cascade escalates to a different arm (line 8)");
    }

    @Test
    void aStrayKeyBesideCascadeIsRefused() {
        assertThat(problems(ONE_MODEL + """
                profiles:
                  careful:
                    cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on"}
                    samples: 3
                    rule: escalate
                """)).containsExactly(
                "profiles.careful.samples: a cascade profile holds only 'cascade' (and 'description'); move 'samples' into cascade or remove it (line 9)",
                "profiles.careful.rule: a cascade profile holds only 'cascade' (and 'description'); move 'rule' into cascade or remove it (line 10)");
    }

    @Test
    void anUnknownKeyInsideCascadeNamesTheAllowedOnes() {
        assertThat(problems(ONE_MODEL + """
                profiles:
                  careful:
                    cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on", sample: 3}
                """)).containsExactly(
                "profiles.careful.cascade.sample: unknown key; did you mean 'samples'? allowed here: cheap, strong, samples, checks, judge, table, alpha (line 8)");
    }

    @Test
    void cascadeMustBeAMapping() {
        assertThat(problems(ONE_MODEL + """
                profiles:
                  careful:
                    cascade: "qwen3-8b:off"
                """)).containsExactly(
                "profiles.careful.cascade: must be a mapping like {cheap: qwen3-8b:off, strong: qwen3-8b:on, samples: 2, checks: math}, "
                        + "got 'qwen3-8b:off' (line 8)");
    }

    @Test
    void everyProblemOfOneCascadeIsReportedAtOnce() {
        assertThat(problems(ONE_MODEL + """
                profiles:
                  careful:
                    cascade:
                      cheap: qwen3-8b:off
                      samples: 9
                      checks: fuzzy
                """)).containsExactly(
                "profiles.careful.cascade.strong: is required; the arm to escalate to, e.g. qwen3-8b:on (line 8)",
                "profiles.careful.cascade.samples: must be a whole number of cheap answers to compare, 1 to 3, got 9 (line 10)",
                "profiles.careful.cascade.checks: unknown checks 'fuzzy'; expected math or text (line 11)");
    }
}
