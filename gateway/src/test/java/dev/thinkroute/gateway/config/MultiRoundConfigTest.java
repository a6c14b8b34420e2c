package dev.thinkroute.gateway.config;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Decision;
import dev.thinkroute.core.route.Query;
import dev.thinkroute.core.Thinking;
import dev.thinkroute.core.route.MultiRound;
import dev.thinkroute.core.route.Profile;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.thinkroute.gateway.config.ConfigValidationTest.SOURCE;
import static dev.thinkroute.gateway.config.ConfigValidationTest.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A multi-round (Router-R1) profile in the config: what loads, and what each mistake is told, at its path and line. */
class MultiRoundConfigTest {

    /** Four models on lines 2 to 5; {@code profiles:} is line 6, so a profile's name is line 7 and its first key line 8. */
    static final String MODELS = """
            models:
              - {name: router-r1, dialect: replay, table: t, params_b: 3}
              - {name: qwen3-8b, dialect: replay, table: t, thinking: qwen3}
              - {name: llama-3.1-70b, dialect: replay, table: t}
              - {name: mistral-7b, dialect: replay, table: t}
            """;

    static final Arm POLICY = new Arm("router-r1", Thinking.OFF);
    static final Arm QWEN = new Arm("qwen3-8b", Thinking.OFF);
    static final Arm LLAMA = new Arm("llama-3.1-70b", Thinking.OFF);
    static final Arm MISTRAL = new Arm("mistral-7b", Thinking.OFF);

    static GatewayConfig load(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, SOURCE);
    }

    static Map<String, Arm> candidates(Arm... arms) {
        Map<String, Arm> out = new LinkedHashMap<>();
        for (Arm a : arms) out.put(a.model(), a);
        return out;
    }

    @Test
    void aValidProfileLoadsWithTheDefaults() throws ConfigException {
        GatewayConfig config = load(MODELS + """
                profiles:
                  r1:
                    multi_round: {policy: "router-r1:off", candidates: ["qwen3-8b:off", "llama-3.1-70b:off"]}
                """);

        Profile profile = config.profile("r1").orElseThrow();
        MultiRound m = (MultiRound) profile.router();
        assertThat(m).isEqualTo(new MultiRound("r1", POLICY, candidates(QWEN, LLAMA), LLAMA, MultiRound.Settings.DEFAULTS));
        assertThat(m.fallback()).as("the last candidate").isEqualTo(LLAMA);
        assertThat(m.candidates().keySet()).containsExactly("qwen3-8b", "llama-3.1-70b");
        assertThat(m.settings().maxRounds()).isEqualTo(4);
        assertThat(m.settings().calleeMaxTokens()).isEqualTo(512);
        assertThat(m.settings().policyMaxTokens()).isEqualTo(1024);
        assertThat(m.settings().maxCostUsd()).isInfinite();
        assertThat(m.settings().maxTokens()).isZero();
        assertThat(profile.description()).isEqualTo("multi-round: router-r1:off asks qwen3-8b, llama-3.1-70b");
    }

    @Test
    void aDerivedAutoDoesNotSendQuestionsToAModelThatOnlyRoutes() throws ConfigException {
        // router-r1 is the cheapest model here, but it is only the multi-round policy: auto starts from the next cheapest.
        GatewayConfig config = load(MODELS + """
                profiles:
                  r1:
                    multi_round: {policy: "router-r1:off", candidates: ["qwen3-8b:off", "llama-3.1-70b:off"]}
                """);
        Decision d = config.profile("auto").orElseThrow().router().route(Query.of("Who directed Jaws?"));
        assertThat(d.arm().model()).isNotEqualTo("router-r1");
    }

    @Test
    void everySettingIsRead() throws ConfigException {
        GatewayConfig config = load(MODELS + """
                profiles:
                  r1:
                    description: Router-R1 over three models
                    multi_round:
                      policy: router-r1:off
                      candidates:
                        - qwen3-8b:on
                        - llama-3.1-70b:off
                        - mistral-7b:off
                      fallback: llama-3.1-70b:off
                      max_rounds: 6
                      callee_max_tokens: 256
                      policy_max_tokens: 2048
                      max_cost_usd: 0.05
                      max_tokens: 20000
                  plain: {arm: "qwen3-8b:off"}
                """);

        Profile profile = config.profile("r1").orElseThrow();
        assertThat(profile.description()).isEqualTo("Router-R1 over three models");
        assertThat(profile.router()).isEqualTo(new MultiRound("r1", POLICY,
                candidates(new Arm("qwen3-8b", Thinking.ON), LLAMA, MISTRAL), LLAMA,
                new MultiRound.Settings(6, 256, 2048, 0.05, 20000)));
        assertThat(config.profiles().keySet()).contains("r1", "plain");
    }

    @Test
    void anUnknownKeyInsideMultiRoundNamesTheAllowedOnes() {
        assertThat(problems(MODELS + """
                profiles:
                  r1:
                    multi_round: {policy: "router-r1:off", candidates: ["qwen3-8b:off"], max_round: 3}
                """)).containsExactly(
                "profiles.r1.multi_round.max_round: unknown key; did you mean 'max_rounds'? allowed here: policy, candidates, fallback, "
                        + "max_rounds, callee_max_tokens, policy_max_tokens, max_cost_usd, max_tokens, policy_prompt, callee_prompt (line 8)");
    }

    @Test
    void needsAPolicy() {
        assertThat(problems(MODELS + """
                profiles:
                  r1:
                    multi_round:
                      candidates: ["qwen3-8b:off"]
                """)).containsExactly(
                "profiles.r1.multi_round.policy: is required; the arm that thinks and routes, e.g. router-r1:off (line 8)");
    }

    @Test
    void needsCandidates() {
        assertThat(problems(MODELS + """
                profiles:
                  r1:
                    multi_round: {policy: "router-r1:off"}
                """)).containsExactly(
                "profiles.r1.multi_round.candidates: is required; a list of arms the policy may ask, e.g. [qwen3-8b:off, llama-3.1-70b:off] (line 8)");
    }

    @Test
    void candidatesAreANonEmptyList() {
        assertThat(problems(MODELS + """
                profiles:
                  one:
                    multi_round: {policy: "router-r1:off", candidates: "qwen3-8b:off"}
                  none:
                    multi_round: {policy: "router-r1:off", candidates: []}
                  map:
                    multi_round: {policy: "router-r1:off", candidates: {qwen3-8b: off}}
                """)).containsExactly(
                "profiles.one.multi_round.candidates: must be a non-empty list of arms, e.g. [qwen3-8b:off, llama-3.1-70b:off], got 'qwen3-8b:off' (line 8)",
                "profiles.none.multi_round.candidates: must be a non-empty list of arms, e.g. [qwen3-8b:off, llama-3.1-70b:off], got an empty list (line 10)",
                "profiles.map.multi_round.candidates: must be a non-empty list of arms, e.g. [qwen3-8b:off, llama-3.1-70b:off], got a mapping (key: value lines) (line 12)");
    }

    @Test
    void aModelIsACandidateOnce() {
        assertThat(problems(MODELS + """
                profiles:
                  r1:
                    multi_round:
                      policy: router-r1:off
                      candidates:
                        - qwen3-8b:off
                        - qwen3-8b:on
                """)).containsExactly(
                "profiles.r1.multi_round.candidates[1]: model 'qwen3-8b' is already a candidate; the policy asks a model by its name, "
                        + "so each model can be a candidate once (line 12)");
    }

    @Test
    void anUnknownModelIsToldTheClosestName() {
        assertThat(problems(MODELS + """
                profiles:
                  r1:
                    multi_round:
                      policy: router-r2:off
                      candidates:
                        - qwen3-8b:off
                        - lama-3.1-70b:off
                        - gpt-5:off
                      fallback: mistral-7:off
                """)).containsExactly(
                "profiles.r1.multi_round.policy: unknown model 'router-r2'; did you mean 'router-r1'? known models: router-r1, qwen3-8b, llama-3.1-70b, mistral-7b (line 9)",
                "profiles.r1.multi_round.candidates[1]: unknown model 'lama-3.1-70b'; did you mean 'llama-3.1-70b'? known models: router-r1, qwen3-8b, llama-3.1-70b, mistral-7b (line 12)",
                "profiles.r1.multi_round.candidates[2]: unknown model 'gpt-5'; known models: router-r1, qwen3-8b, llama-3.1-70b, mistral-7b (line 13)",
                "profiles.r1.multi_round.fallback: unknown model 'mistral-7'; did you mean 'mistral-7b'? known models: router-r1, qwen3-8b, llama-3.1-70b, mistral-7b (line 14)");
    }

    @Test
    void eachCandidateIsAnArmTheModelAccepts() {
        assertThat(problems(MODELS + """
                profiles:
                  r1:
                    multi_round:
                      policy: router-r1:off
                      candidates:
                        - qwen3-8b
                        - qwen3-8b:high
                        - 7
                """)).containsExactly(
                "profiles.r1.multi_round.candidates[0]: names model 'qwen3-8b' without a thinking setting; write model:thinking, e.g. qwen3-8b:off or qwen3-8b:on (line 11)",
                "profiles.r1.multi_round.candidates[1]: model 'qwen3-8b' cannot take thinking 'high': its thinking (qwen3) has no effort levels; "
                        + "use 'off', 'on' or a budget such as 'on@2048' (line 12)",
                "profiles.r1.multi_round.candidates[2]: must be an arm written model:thinking, got 7 (line 13)");
    }

    @Test
    void maxRoundsIsOneToSixteen() {
        assertThat(problems(MODELS + """
                profiles:
                  none:
                    multi_round: {policy: "router-r1:off", candidates: ["qwen3-8b:off"], max_rounds: 0}
                  many:
                    multi_round: {policy: "router-r1:off", candidates: ["qwen3-8b:off"], max_rounds: 17}
                """)).containsExactly(
                "profiles.none.multi_round.max_rounds: must be a whole number of sub-questions, 1 to 16, got 0 (line 8)",
                "profiles.many.multi_round.max_rounds: must be a whole number of sub-questions, 1 to 16, got 17 (line 10)");
    }

    @Test
    void limitsArePositive() {
        assertThat(problems(MODELS + """
                profiles:
                  r1:
                    multi_round:
                      policy: router-r1:off
                      candidates: ["qwen3-8b:off"]
                      callee_max_tokens: 0
                      policy_max_tokens: -5
                      max_cost_usd: 0
                      max_tokens: 0
                """)).containsExactly(
                "profiles.r1.multi_round.callee_max_tokens: must be a positive whole number of tokens, got 0 (line 11)",
                "profiles.r1.multi_round.policy_max_tokens: must be a positive whole number of tokens, got -5 (line 12)",
                "profiles.r1.multi_round.max_cost_usd: must be a positive number of US dollars per request, got 0 (line 13)",
                "profiles.r1.multi_round.max_tokens: must be a positive whole number of tokens per request, got 0 (line 14)");
    }

    @Test
    void aKeyBesideMultiRoundIsRefused() {
        assertThat(problems(MODELS + """
                profiles:
                  r1:
                    multi_round: {policy: "router-r1:off", candidates: ["qwen3-8b:off"]}
                    max_rounds: 3
                """)).containsExactly(
                "profiles.r1.max_rounds: a multi-round profile holds only 'multi_round' (and 'description'); "
                        + "move 'max_rounds' into multi_round or remove it (line 9)");
    }

    @Test
    void multiRoundIsAMapping() {
        assertThat(problems(MODELS + """
                profiles:
                  r1:
                    multi_round: "router-r1:off"
                """)).containsExactly(
                "profiles.r1.multi_round: must be a mapping like {policy: router-r1:off, candidates: [qwen3-8b:off, llama-3.1-70b:off]}, "
                        + "got 'router-r1:off' (line 8)");
    }

    @Test
    void everyProblemOfOneProfileIsReportedAtOnce() {
        assertThat(problems(MODELS + """
                profiles:
                  r1:
                    multi_round:
                      candidates: ["qwen3-8b:off", "qwen3-8b:off"]
                      max_rounds: 99
                """)).containsExactly(
                "profiles.r1.multi_round.policy: is required; the arm that thinks and routes, e.g. router-r1:off (line 8)",
                "profiles.r1.multi_round.candidates[1]: model 'qwen3-8b' is already a candidate; the policy asks a model by its name, "
                        + "so each model can be a candidate once (line 9)",
                "profiles.r1.multi_round.max_rounds: must be a whole number of sub-questions, 1 to 16, got 99 (line 10)");
    }

    @Test
    void promptTemplatesAreReadBesideTheConfigFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("policy.txt"), "Models: {names}\n{candidates}Question: {question}\n");
        java.nio.file.Files.writeString(dir.resolve("callee.txt"), "Help briefly: {question}");
        java.nio.file.Path file = dir.resolve("pool.yaml");
        java.nio.file.Files.writeString(file, MODELS + """
                profiles:
                  r1:
                    multi_round: {policy: "router-r1:off", candidates: ["qwen3-8b:off"], policy_prompt: policy.txt, callee_prompt: callee.txt}
                """);
        MultiRound m = (MultiRound) ConfigLoader.load(file).profile("r1").orElseThrow().router();
        assertThat(m.prompts()).isEqualTo(new MultiRound.Prompts("Models: {names}\n{candidates}Question: {question}\n", "Help briefly: {question}"));
    }

    @Test
    void aMissingPromptFileOrOneWithoutTheQuestionIsNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("policy.txt"), "Answer well.");
        java.nio.file.Path file = dir.resolve("pool.yaml");
        java.nio.file.Files.writeString(file, MODELS + """
                profiles:
                  r1:
                    multi_round: {policy: "router-r1:off", candidates: ["qwen3-8b:off"], policy_prompt: policy.txt, callee_prompt: nowhere.txt}
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).startsWith("profiles.r1.multi_round.policy_prompt: ").contains("policy.txt has no {question} placeholder"))
                .anySatisfy(p -> assertThat(p).startsWith("profiles.r1.multi_round.callee_prompt: cannot read the prompt template ")
                        .contains("nowhere.txt")));
    }
}
