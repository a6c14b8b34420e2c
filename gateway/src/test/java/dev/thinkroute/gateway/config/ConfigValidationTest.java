package dev.thinkroute.gateway.config;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * What a config with mistakes is told: each rule's message, at its path and line, all of them in one exception,
 * in file order.
 */
class ConfigValidationTest {

    static final Path SOURCE = Path.of("gateway.yaml");

    /** A model every test can name in its profiles: a qwen3 hybrid answering from a replay table. */
    static final String ONE_MODEL = """
            models:
              - name: qwen3-8b
                dialect: replay
                table: t
                thinking: qwen3
            """;

    static ConfigException refused(String yaml) {
        try {
            ConfigLoader.parse(yaml, SOURCE);
        } catch (ConfigException e) {
            return e;
        }
        return fail("expected the config to be refused:\n" + yaml);
    }

    static List<String> problems(String yaml) {
        return refused(yaml).problems();
    }

    @Nested
    class TheMessage {

        @Test
        void namesTheFileAndListsEveryProblemInFileOrder() {
            ConfigException e = refused("""
                    server:
                      port: 70000
                    models:
                      - name: a
                        dialect: openai
                        base_url: localhost:8000
                      - name: b
                        dialect: replay
                        table: t
                        price: {input: -1}
                    profiles:
                      cheap: {arm: "nobody:off"}
                    """);

            assertThat(e.problems()).containsExactly(
                    "server.port: must be a port from 0 to 65535 (0 = any free port), got 70000 (line 2)",
                    "models[0].base_url: must be an absolute http:// or https:// URL such as http://localhost:8000/v1, got 'localhost:8000' (line 6)",
                    "models[1].price.input: must be a non-negative number, got -1 (line 10)",
                    "profiles.cheap.arm: unknown model 'nobody'; known models: a, b (line 12)");
            assertThat(e.getMessage()).isEqualTo("gateway.yaml: 4 problems:\n  - " + String.join("\n  - ", e.problems()));
        }

        @Test
        void keepsFileOrderWhenProfilesComeBeforeModels() {
            assertThat(problems("""
                    profiles:
                      cheap: {arm: "qwen3-8b:high"}
                    models:
                      - {name: qwen3-8b, dialect: replay, table: t, thinking: qwen3, params_b: 0}
                    """)).containsExactly(
                    "profiles.cheap.arm: model 'qwen3-8b' cannot take thinking 'high': its thinking (qwen3) has no effort levels; use 'off', 'on' or a budget such as 'on@2048' (line 2)",
                    "models[0].params_b: must be a positive number (billions of parameters), got 0 (line 4)");
        }

        @Test
        void saysOneProblemInTheSingular() {
            assertThat(refused("models: []").getMessage()).startsWith("gateway.yaml: 1 problem:\n  - models: must list at least one model");
        }
    }

    @Nested
    class UnknownKeys {

        @Test
        void nameTheAllowedKeysAndTheLikelyOne() {
            assertThat(problems(ONE_MODEL + "    base-url: http://x\n")).containsExactly(
                    "models[0].base-url: unknown key; did you mean 'base_url'? allowed here: name, dialect, base_url, "
                            + "api_key_env, upstream_model, table, price, params_b, context_length, thinking, thinking_budget, description (line 6)");
        }

        @Test
        void areFoundAtEveryLevel() {
            assertThat(problems("""
                    sever: {}
                    server:
                      timeouts: {conect_ms: 1}
                    """ + ONE_MODEL + """
                        price: {inptu: 1}
                    profiles:
                      cheap: {arm: "qwen3-8b:off", descripton: x}
                    """)).containsExactly(
                    "sever: unknown key; did you mean 'server'? allowed here: server, data_dir, models, profiles (line 1)",
                    "server.timeouts.conect_ms: unknown key; did you mean 'connect_ms'? allowed here: connect_ms, first_byte_ms, total_ms (line 3)",
                    "models[0].price.inptu: unknown key; did you mean 'input'? allowed here: input, output (line 9)",
                    "profiles.cheap.descripton: unknown key; did you mean 'description'? "
                            + "allowed here: description, rule, cheap, strong, long_prompt_chars, keywords, arm, router, alpha, cascade (line 11)");
        }

        @Test
        void suggestNothingWhenNothingIsClose() {
            assertThat(problems(ONE_MODEL + "    colour: blue\n")).singleElement().asString()
                    .startsWith("models[0].colour: unknown key; allowed here: name,");
        }

        @Test
        void suggestTheKeyWhoseLettersWereSwapped() {
            assertThat(problems("server: {prot: 8080}\n" + ONE_MODEL)).containsExactly(
                    "server.prot: unknown key; did you mean 'port'? allowed here: host, port, max_body_bytes, timeouts (line 1)");
        }

        @Test
        void suggestTheSnakeCaseOfACamelCaseKey() {
            assertThat(problems(ONE_MODEL + "    contextLength: 8\n")).singleElement().asString()
                    .contains("did you mean 'context_length'?");
        }
    }

    @Nested
    class Models {

        @Test
        void areRequired() {
            assertThat(problems("server: {port: 1}\n")).containsExactly(
                    "models: is required; list at least one model, e.g. '- {name: qwen3-8b, dialect: openai, base_url: http://localhost:8000/v1}'");
        }

        @Test
        void mustNotBeEmpty() {
            assertThat(problems("models: []\n")).containsExactly("models: must list at least one model (line 1)");
        }

        @Test
        void mustBeAList() {
            assertThat(problems("models:\n  name: x\n")).containsExactly(
                    "models: must be a list of models, each starting with '- name: ...', got a mapping (key: value lines) (line 1)");
        }

        @Test
        void needANameAndADialect() {
            assertThat(problems("models:\n  - description: nameless\n")).containsExactly(
                    "models[0].name: is required; the name clients put in 'model' and arms are written with (line 2)",
                    "models[0].dialect: is required; openai, anthropic, gemini, ollama or replay (line 2)");
        }

        @Test
        void needUniqueNames() {
            assertThat(problems("""
                    models:
                      - {name: m, dialect: replay, table: t}
                      - {name: m, dialect: replay, table: u}
                    """)).containsExactly("models[1].name: duplicate model name 'm'; models[0] already uses it (line 3)");
        }

        @Test
        void needNamesWithoutWhitespaceOrATrailingColon() {
            assertThat(problems("""
                    models:
                      - {name: "my model", dialect: replay, table: t}
                      - {name: "qwen3:", dialect: replay, table: t}
                      - {name: "qwen3:8b", dialect: replay, table: t}
                    """)).containsExactly(
                    "models[0].name: must not contain whitespace, got 'my model' (line 2)",
                    "models[1].name: must not end with ':', got 'qwen3:' (a ':' inside, as in qwen3:8b, is fine) (line 3)");
        }

        @Test
        void mayNotTakeTheDefaultProfilesName() {
            assertThat(problems("models: [{name: auto, dialect: replay, table: t}]")).containsExactly(
                    "models[0].name: 'auto' is the name of the default routing profile; give the model another name (line 1)");
        }

        @Test
        void reportADialectOrThinkingValueInTheParsersWords() {
            assertThat(problems("models: [{name: m, dialect: grpc, thinking: sometimes}]")).containsExactly(
                    "models[0].dialect: unknown dialect 'grpc'; expected one of openai, anthropic, gemini, ollama, replay (line 1)",
                    "models[0].thinking: unknown thinking support 'sometimes'; expected one of none, qwen3, qwen3-soft, deepseek, "
                            + "deepseek-api, effort, gpt-oss, budget, adaptive, always (line 1)");
        }

        @Test
        void reportWrongTypes() {
            assertThat(problems("""
                    models:
                      - name: [a, b]
                        dialect: replay
                        table: t
                        price: 0.25
                        context_length: 1.5
                        params_b: "8"
                    """)).containsExactly(
                    "models[0].name: must be text, got a list (line 2)",
                    "models[0].price: must be a mapping like {input: 0.05, output: 0.25} (USD per 1M tokens), got 0.25 (line 5)",
                    "models[0].context_length: must be a positive whole number of tokens, got 1.5 (line 6)",
                    "models[0].params_b: must be a positive number (billions of parameters), got '8' (a number in quotes is text; remove the quotes) (line 7)");
        }

        @Test
        void reportNegativeAndNonNumericPrices() {
            assertThat(problems(ONE_MODEL + "    price: {input: -1, output: .nan}\n")).containsExactly(
                    "models[0].price.input: must be a non-negative number, got -1 (line 6)",
                    "models[0].price.output: must be a non-negative number, got '.nan' (line 6)");
        }

        @Test
        void listEachItemsProblemsUnderItsOwnIndex() {
            assertThat(problems("""
                    models:
                      - {name: ok, dialect: replay, table: t}
                      - just a string
                      - {name: bad, dialect: replay, table: t, context_length: 0}
                    """)).containsExactly(
                    "models[1]: must be a model (name, dialect, ...), got 'just a string' (line 3)",
                    "models[2].context_length: must be a positive whole number of tokens, got 0 (line 4)");
        }
    }

    @Nested
    class DialectFields {

        @Test
        void everyServedDialectNeedsABaseUrlAndMayNameAKey() {
            assertThat(problems("""
                    models:
                      - {name: a, dialect: anthropic, api_key_env: ANTHROPIC_KEY, thinking: budget}
                      - {name: g, dialect: gemini, base_url: "https://generativelanguage.googleapis.com/v1beta", thinking: adaptive}
                      - {name: o, dialect: ollama, base_url: "http://localhost:11434", table: t}
                    """)).containsExactly(
                    "models[0].base_url: is required; the API root, e.g. http://localhost:8000/v1 (line 2)",
                    "models[2].table: not used by dialect ollama; remove it (table is for dialect replay) (line 4)");
        }

        @Test
        void aThinkingFamilyMustBeOneTheDialectCanCarry() {
            assertThat(problems("""
                    models:
                      - {name: q, dialect: openai, base_url: "http://localhost:8000/v1", thinking: budget}
                      - {name: c, dialect: anthropic, base_url: "https://api.anthropic.com/v1", thinking: qwen3}
                      - {name: o, dialect: ollama, base_url: "http://localhost:11434", thinking: gpt-oss}
                    """)).containsExactly(
                    "models[0].thinking: thinking 'budget' cannot be carried by dialect openai; it takes none, qwen3, qwen3-soft, "
                            + "deepseek, deepseek-api, effort, gpt-oss, always (line 2)",
                    "models[1].thinking: thinking 'qwen3' cannot be carried by dialect anthropic; it takes none, budget, adaptive, always (line 3)");
        }

        @Test
        void thinkingBudgetIsAnOpenAiChoiceBetweenTwoCallsAndTheServersCap() throws ConfigException {
            GatewayConfig cfg = ConfigLoader.parse("""
                    models:
                      - {name: q, dialect: openai, base_url: "http://localhost:8000/v1", thinking: qwen3, thinking_budget: server}
                      - {name: d, dialect: openai, base_url: "http://localhost:8001/v1", thinking: deepseek}
                    """, java.nio.file.Path.of("t.yaml"));
            assertThat(cfg.pool().require("q").budgetMethod()).isEqualTo(dev.thinkroute.core.BudgetMethod.SERVER);
            assertThat(cfg.pool().require("d").budgetMethod()).isEqualTo(dev.thinkroute.core.BudgetMethod.TWO_CALL);
            assertThat(problems("""
                    models:
                      - {name: q, dialect: openai, base_url: "http://localhost:8000/v1", thinking: qwen3, thinking_budget: always}
                      - {name: r, dialect: replay, table: t, thinking_budget: server}
                    """)).containsExactly(
                    "models[0].thinking_budget: unknown thinking_budget 'always'; expected two-call or server (line 2)",
                    "models[1].thinking_budget: not used by dialect replay; remove it (thinking_budget is for dialect openai) (line 3)");
        }

        @Test
        void openaiNeedsABaseUrlAndTakesNoTable() {
            assertThat(problems("models: [{name: m, dialect: openai, table: t}]")).containsExactly(
                    "models[0].base_url: is required; the API root, e.g. http://localhost:8000/v1 (line 1)",
                    "models[0].table: not used by dialect openai; remove it (table is for dialect replay) (line 1)");
        }

        @Test
        void replayNeedsATableAndTakesNoBaseUrlOrKey() {
            // A missing key is reported where its mapping starts, so before the keys that are there.
            assertThat(problems("models: [{name: m, dialect: replay, base_url: 'http://x', api_key_env: K}]")).containsExactly(
                    "models[0].table: is required; the recorded outcome table this model answers from, e.g. routellm-gsm8k (line 1)",
                    "models[0].base_url: not used by dialect replay; remove it (base_url is for dialect openai, anthropic, gemini, ollama) (line 1)",
                    "models[0].api_key_env: not used by dialect replay; remove it (api_key_env is for dialect openai, anthropic, gemini, ollama) (line 1)");
        }

        @Test
        void baseUrlMustBeAnAbsoluteHttpUrlWithAHost() {
            assertThat(problems("""
                    models:
                      - {name: a, dialect: openai, base_url: "ftp://host/v1"}
                      - {name: b, dialect: openai, base_url: "/v1"}
                      - {name: c, dialect: openai, base_url: "http:///v1"}
                      - {name: d, dialect: openai, base_url: "http://my_host:8000/v1"}
                      - {name: e, dialect: openai, base_url: "http://local host/v1"}
                    """)).containsExactly(
                    "models[0].base_url: must be an absolute http:// or https:// URL such as http://localhost:8000/v1, got 'ftp://host/v1' (line 2)",
                    "models[1].base_url: must be an absolute http:// or https:// URL such as http://localhost:8000/v1, got '/v1' (line 3)",
                    "models[2].base_url: has no host, got 'http:///v1' (note: host names cannot contain '_') (line 4)",
                    "models[3].base_url: has no host, got 'http://my_host:8000/v1' (note: host names cannot contain '_') (line 5)",
                    "models[4].base_url: must be an absolute http:// or https:// URL such as http://localhost:8000/v1, "
                            + "got 'http://local host/v1' (Illegal character in authority at index 12) (line 6)");
        }

        @Test
        void anUnknownDialectStillChecksTheFieldsThatAreThere() {
            assertThat(problems("models: [{name: m, dialect: grpc, base_url: nope}]")).containsExactly(
                    "models[0].dialect: unknown dialect 'grpc'; expected one of openai, anthropic, gemini, ollama, replay (line 1)",
                    "models[0].base_url: must be an absolute http:// or https:// URL such as http://localhost:8000/v1, got 'nope' (line 1)");
        }
    }

    @Nested
    class Secrets {

        @Test
        void aKeyPastedIntoApiKeyEnvIsRefusedWithoutBeingShown() {
            String key = "sk-proj-Abc123def456GHI789jkl012mno345";
            ConfigException e = refused("models: [{name: m, dialect: openai, base_url: 'http://x', api_key_env: " + key + "}]");

            assertThat(e.problems()).containsExactly("models[0].api_key_env: looks like a key itself; put the key in an environment "
                    + "variable and name the variable here, e.g. api_key_env: OPENAI_API_KEY (the value is not shown) (line 1)");
            assertThat(e.getMessage()).doesNotContain(key).doesNotContain("Abc123");
        }

        @Test
        void keysWithoutAKnownPrefixAreRecognisedByTheirShape() {
            String key = "Xq7pL2mN9rT4vB8kW3zY6cH1dF5gJ0sA";
            ConfigException e = refused("models: [{name: m, dialect: openai, base_url: 'http://x', api_key_env: " + key + "}]");

            assertThat(e.getMessage()).contains("looks like a key itself").doesNotContain(key);
        }

        @Test
        void anInvalidVariableNameIsNotShownEither() {
            ConfigException e = refused("models: [{name: m, dialect: openai, base_url: 'http://x', api_key_env: 'my-secret-thing'}]");

            assertThat(e.problems()).containsExactly("models[0].api_key_env: must be an environment variable name (letters, digits "
                    + "and '_', not starting with a digit), e.g. OPENAI_API_KEY (the value is not shown) (line 1)");
            assertThat(e.getMessage()).doesNotContain("my-secret-thing");
        }

        @Test
        void ordinaryVariableNamesPass() throws Exception {
            for (String name : List.of("OPENAI_API_KEY", "HF_TOKEN", "sk_key", "_x", "vllm_key_2")) {
                GatewayConfig config = ConfigLoader.parse("models: [{name: m, dialect: openai, base_url: 'http://x', api_key_env: "
                        + name + "}]", SOURCE);
                assertThat(config.pool().require("m").apiKeyEnv()).isEqualTo(name);
            }
        }

        @Test
        void credentialsInBaseUrlAreRefusedWithoutBeingShown() {
            ConfigException e = refused("models: [{name: m, dialect: openai, base_url: 'https://user:hunter2@api.example.com/v1'}]");

            assertThat(e.problems()).containsExactly("models[0].base_url: must not carry a user or password; put the key in an "
                    + "environment variable and name it in api_key_env (line 1)");
            assertThat(e.getMessage()).doesNotContain("hunter2");
        }
    }

    @Nested
    class Server {

        @Test
        void portMustBeInRange() {
            assertThat(problems("server: {port: -1}\n" + ONE_MODEL)).containsExactly(
                    "server.port: must be a port from 0 to 65535 (0 = any free port), got -1 (line 1)");
        }

        @Test
        void numbersMustBeNumbers() {
            // All on one line: still in the order they are written.
            assertThat(problems("server: {port: \"8080\", max_body_bytes: 0, host: 'http://0.0.0.0'}\n" + ONE_MODEL)).containsExactly(
                    "server.port: must be a port from 0 to 65535 (0 = any free port), got '8080' (a number in quotes is text; remove the quotes) (line 1)",
                    "server.max_body_bytes: must be a positive whole number of bytes, got 0 (line 1)",
                    "server.host: must be a host name or IP address to listen on, such as 127.0.0.1 or 0.0.0.0, got 'http://0.0.0.0' (line 1)");
        }

        @Test
        void totalTimeoutMustCoverTheFirstByte() {
            assertThat(problems("server: {timeouts: {first_byte_ms: 1000, total_ms: 500}}\n" + ONE_MODEL)).containsExactly(
                    "server.timeouts.total_ms: must be at least first_byte_ms (1000), got 500 (line 1)");
            assertThat(problems("server: {timeouts: {total_ms: 500}}\n" + ONE_MODEL)).containsExactly(
                    "server.timeouts.total_ms: must be at least first_byte_ms (60000, the default), got 500 (line 1)");
            assertThat(problems("server: {timeouts: {first_byte_ms: 700000}}\n" + ONE_MODEL)).containsExactly(
                    "server.timeouts.first_byte_ms: must not exceed total_ms (600000, the default), got 700000 (line 1)");
        }

        @Test
        void timeoutsMustBePositive() {
            assertThat(problems("server: {timeouts: {connect_ms: 0}}\n" + ONE_MODEL)).containsExactly(
                    "server.timeouts.connect_ms: must be a positive whole number of milliseconds, got 0 (line 1)");
        }

        @Test
        void sectionsMustBeMappings() {
            assertThat(problems("server: 8080\n" + ONE_MODEL)).containsExactly(
                    "server: must be a mapping (host, port, max_body_bytes, timeouts), got 8080 (line 1)");
        }

        @Test
        void dataDirMustBeText() {
            assertThat(problems("data_dir: [a]\n" + ONE_MODEL)).containsExactly("data_dir: must be text, got a list (line 1)");
        }
    }

    @Nested
    class Profiles {

        @Test
        void mustNameKnownModels() {
            assertThat(problems(ONE_MODEL + """
                    profiles:
                      cheap: {arm: "qwen3-8:off"}
                    """)).containsExactly(
                    "profiles.cheap.arm: unknown model 'qwen3-8'; did you mean 'qwen3-8b'? known models: qwen3-8b (line 7)");
        }

        @Test
        void mustUseAThinkingTheModelAccepts() {
            assertThat(problems(ONE_MODEL + """
                    profiles:
                      auto: {rule: escalate, cheap: "qwen3-8b:off", strong: "qwen3-8b:medium"}
                    """)).containsExactly(
                    "profiles.auto.strong: model 'qwen3-8b' cannot take thinking 'medium': its thinking (qwen3) has no effort "
                            + "levels; use 'off', 'on' or a budget such as 'on@2048' (line 7)");
        }

        @Test
        void mustWriteArmsAsModelColonThinking() {
            assertThat(problems(ONE_MODEL + """
                    profiles:
                      a: {arm: qwen3-8b}
                      b: {arm: "qwen3-8b:sometimes"}
                    """)).containsExactly(
                    "profiles.a.arm: names model 'qwen3-8b' without a thinking setting; write model:thinking, e.g. qwen3-8b:off or qwen3-8b:on (line 7)",
                    "profiles.b.arm: unknown thinking value 'sometimes'; expected one of " + dev.thinkroute.core.Thinking.ACCEPTED + " (line 8)");
        }

        @Test
        void saysWhatIsMissingFromAModelWhoseNameHasAColon() {
            assertThat(problems("""
                    models: [{name: "qwen3:8b", dialect: replay, table: t, thinking: qwen3}]
                    profiles:
                      cheap: {arm: "qwen3:8b"}
                    """)).containsExactly(
                    "profiles.cheap.arm: names model 'qwen3:8b' without a thinking setting; write model:thinking, e.g. qwen3:8b:off or qwen3:8b:on (line 3)");
        }

        @Test
        void haveEitherARuleOrAnArm() {
            assertThat(problems(ONE_MODEL + """
                    profiles:
                      both: {rule: escalate, arm: "qwen3-8b:off", cheap: "qwen3-8b:off", strong: "qwen3-8b:on"}
                      neither: {description: nothing to route with}
                      halfway: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on"}
                    """)).containsExactly(
                    "profiles.both: has both 'rule' and 'arm'; a profile is either a rule (rule: escalate, with cheap and strong) "
                            + "or one fixed arm (arm: model:thinking) (line 7)",
                    "profiles.neither: needs one of 'router: FILE' (a learned router), 'rule: escalate' (with cheap and strong arms) or 'arm: model:thinking' (line 8)",
                    "profiles.halfway: needs 'rule: escalate' to use cheap and strong (or 'arm: model:thinking' for one fixed arm) (line 9)");
        }

        @Test
        void aFixedProfileTakesNoRuleSettings() {
            assertThat(problems(ONE_MODEL + """
                    profiles:
                      cheap: {arm: "qwen3-8b:off", keywords: [prove]}
                    """)).containsExactly(
                    "profiles.cheap.keywords: only used by rule profiles; this profile always uses its 'arm' (line 7)");
        }

        @Test
        void aRuleProfileNeedsBothArms() {
            assertThat(problems(ONE_MODEL + """
                    profiles:
                      auto:
                        rule: escalate
                        cheap: qwen3-8b:off
                    """)).containsExactly(
                    "profiles.auto.strong: is required; the arm to escalate to, e.g. qwen3-8b:on (line 7)");
        }

        @Test
        void mustNameAKnownRule() {
            assertThat(problems(ONE_MODEL + """
                    profiles:
                      auto: {rule: escalte, cheap: "qwen3-8b:off", strong: "qwen3-8b:on"}
                      other: {rule: learned, cheap: "qwen3-8b:off", strong: "qwen3-8b:on"}
                    """)).containsExactly(
                    "profiles.auto.rule: unknown rule 'escalte'; did you mean 'escalate'? known rules: escalate (line 7)",
                    "profiles.other.rule: unknown rule 'learned'; known rules: escalate (line 8)");
        }

        @Test
        void haveOneWordNames() {
            assertThat(problems(ONE_MODEL + """
                    profiles:
                      "my profile": {arm: "qwen3-8b:off"}
                    """)).containsExactly(
                    "profiles[\"my profile\"]: a profile name must be one word without whitespace (clients send it as 'model') (line 7)");
        }

        @Test
        void mayNotShareANameWithAModel() {
            assertThat(problems(ONE_MODEL + """
                    profiles:
                      qwen3-8b: {arm: "qwen3-8b:on"}
                    """)).containsExactly(
                    "profiles.qwen3-8b: profile 'qwen3-8b' has the same name as models[0]; a request's 'model' could mean either, "
                            + "so rename one (line 7)");
        }

        @Test
        void checkTheirRuleSettings() {
            assertThat(problems(ONE_MODEL + """
                    profiles:
                      auto:
                        rule: escalate
                        cheap: qwen3-8b:off
                        strong: qwen3-8b:on
                        long_prompt_chars: 0
                        keywords: [prove, 42, ""]
                    """)).containsExactly(
                    "profiles.auto.long_prompt_chars: must be a positive whole number of characters, got 0 (line 11)",
                    "profiles.auto.keywords[1]: must be a non-empty word or phrase, got 42 (line 12)",
                    "profiles.auto.keywords[2]: must be a non-empty word or phrase, got '' (line 12)");
        }

        @Test
        void mustBeAMappingOfProfiles() {
            assertThat(problems(ONE_MODEL + "profiles: [auto]\n")).containsExactly(
                    "profiles: must be a mapping of profile names to profiles, e.g. 'cheap: {arm: qwen3-8b:off}', got a list (line 6)");
            assertThat(problems(ONE_MODEL + "profiles:\n  cheap: qwen3-8b:off\n")).containsExactly(
                    "profiles.cheap: must be a profile (rule: escalate with cheap and strong arms, or arm: model:thinking), "
                            + "got 'qwen3-8b:off' (line 7)");
        }

        @Test
        void armsOfAModelWithOtherProblemsAreNotCalledUnknown() {
            // The model's price is wrong; its name and thinking are fine, so the profile's arm is fine too.
            assertThat(problems(ONE_MODEL + """
                        price: {output: -2}
                    profiles:
                      cheap: {arm: "qwen3-8b:off"}
                    """)).containsExactly("models[0].price.output: must be a non-negative number, got -2 (line 6)");
        }
    }

    @Nested
    class YamlItself {

        @Test
        void aSyntaxErrorGivesLineAndColumn() {
            ConfigException e = refused("""
                    models:
                      - name: x
                       dialect: openai
                    """);

            assertThat(e.problems()).singleElement().asString()
                    .startsWith("YAML syntax error at line 3, column 4: expected <block end>, but found '<block mapping start>'");
            assertThat(e.getMessage()).startsWith("gateway.yaml: 1 problem:");
        }

        @Test
        void aTabIsPointedAt() {
            assertThat(problems("models:\n\t- name: x\n")).singleElement().asString()
                    .startsWith("YAML syntax error at line 2, column 1: found character '\\t(TAB)' that cannot start any token");
        }

        @Test
        void anEmptyDocumentSaysWhatItNeeds() {
            assertThat(problems("# nothing yet\n")).containsExactly("the config is empty; it needs at least a 'models' list");
        }

        @Test
        void theRootMustBeAMapping() {
            assertThat(problems("- a\n- b\n")).containsExactly(
                    "must be a mapping with the keys server, data_dir, models, profiles, got a list");
        }

        @Test
        void aDuplicateKeyIsAProblemNotASilentOverride() {
            assertThat(problems("""
                    server:
                      port: 8080
                      port: 9090
                    """ + ONE_MODEL)).containsExactly(
                    "server.port: duplicate key; 'port' is already set at line 2, remove one (line 3)");
        }

        @Test
        void aliasesAreRefused() {
            assertThat(problems("""
                    models:
                      - name: &n qwen3-8b
                        dialect: replay
                        table: *n
                    """)).containsExactly(
                    "models[0].table: YAML aliases (*n) are not supported; write the value out (line 4)");
        }

        @Test
        void aSecondDocumentIsRefused() {
            assertThat(problems(ONE_MODEL + "---\nserver: {}\n")).containsExactly(
                    "a second YAML document starts here (after '---'); the whole configuration must be one document (line 7)");
        }
    }
}
