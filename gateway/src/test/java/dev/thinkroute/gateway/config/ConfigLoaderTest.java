package dev.thinkroute.gateway.config;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Dialect;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Prices;
import dev.thinkroute.core.ThinkingSupport;
import dev.thinkroute.core.route.EscalationRule;
import dev.thinkroute.core.route.FixedArmRouter;
import dev.thinkroute.core.route.Profile;
import dev.thinkroute.llm.UpstreamSettings;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** What a valid config file turns into: every field of the sample, the defaults, and the derived {@code auto} profile. */
class ConfigLoaderTest {

    static final Path SOURCE = Path.of("/etc/thinkroute/gateway.yaml");

    static GatewayConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, SOURCE);
    }

    static Path sample() throws URISyntaxException {
        return Path.of(ConfigLoaderTest.class.getResource("/config/full.yaml").toURI());
    }

    @Nested
    class TheFullSample {

        @Test
        void setsEveryServerField() throws Exception {
            GatewayConfig config = ConfigLoader.load(sample());

            assertThat(config.source()).isEqualTo(sample());
            assertThat(config.server()).isEqualTo(new ServerSettings("0.0.0.0", 9090, 1_048_576,
                    Duration.ofMillis(2000), Duration.ofMillis(30_000), Duration.ofMillis(300_000)));
        }

        @Test
        void resolvesDataDirAgainstTheFilesFolder() throws Exception {
            GatewayConfig config = ConfigLoader.load(sample());

            assertThat(config.dataDir()).isEqualTo(sample().getParent().resolve("../datasets").normalize());
            assertThat(config.dataDir()).isAbsolute();
        }

        @Test
        void readsEveryModelField() throws Exception {
            List<ModelCard> cards = ConfigLoader.load(sample()).pool().cards();

            assertThat(cards).containsExactly(
                    new ModelCard("qwen3-8b", Dialect.OPENAI, URI.create("http://localhost:8000/v1"), "VLLM_API_KEY",
                            "Qwen/Qwen3-8B", new Prices(0.05, 0.25), 8.0, 32768, ThinkingSupport.QWEN3,
                            "Small hybrid model, fast on easy questions", null),
                    new ModelCard("o4-mini", Dialect.OPENAI, URI.create("https://api.openai.com/v1"), "OPENAI_API_KEY",
                            "o4-mini", new Prices(1.1, 4.4), null, 0, ThinkingSupport.EFFORT,
                            "Reasoning model with effort levels", null),
                    new ModelCard("qwen3:32b", Dialect.REPLAY, null, null, "Qwen/Qwen3-32B", new Prices(0, 0.6), 32.8, 0,
                            ThinkingSupport.QWEN3, "", "routellm-gsm8k"));
        }

        @Test
        void keepsProfilesInFileOrderWithTheirRouters() throws Exception {
            Map<String, Profile> profiles = ConfigLoader.load(sample()).profiles();

            assertThat(profiles).containsOnlyKeys("auto", "cheap", "deep");
            assertThat(profiles.keySet()).containsExactly("auto", "cheap", "deep");
            assertThat(profiles.get("auto")).isEqualTo(new Profile("auto", "Escalate long or proof-like questions",
                    new EscalationRule("auto", Arm.parse("qwen3-8b:off"), Arm.parse("o4-mini:medium"), 2000,
                            List.of("prove", "step by step", "lemma"))));
            assertThat(profiles.get("cheap")).isEqualTo(new Profile("cheap", "", new FixedArmRouter("cheap", Arm.parse("qwen3-8b:off"))));
            assertThat(profiles.get("deep")).isEqualTo(new Profile("deep", "Always think hard",
                    new FixedArmRouter("deep", Arm.parse("qwen3:32b:on"))));
        }

        @Test
        void readsTheSameFromAStream() throws Exception {
            GatewayConfig fromFile = ConfigLoader.load(sample());
            GatewayConfig fromStream = ConfigLoader.parse(ConfigLoaderTest.class.getResourceAsStream("/config/full.yaml"), sample());

            assertThat(fromStream.server()).isEqualTo(fromFile.server());
            assertThat(fromStream.pool().cards()).isEqualTo(fromFile.pool().cards());
            assertThat(fromStream.profiles()).isEqualTo(fromFile.profiles());
        }
    }

    @Nested
    class Defaults {

        static final String MINIMAL = """
                models:
                  - name: local
                    dialect: openai
                    base_url: http://localhost:8000/v1
                """;

        @Test
        void aMissingServerSectionGetsTheDefaults() throws Exception {
            assertThat(parse(MINIMAL).server()).isEqualTo(ServerSettings.DEFAULTS);
            assertThat(ServerSettings.DEFAULTS).isEqualTo(new ServerSettings("127.0.0.1", 8080, 4 * 1024 * 1024,
                    Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(600)));
        }

        @Test
        void aPartialServerSectionKeepsTheOtherDefaults() throws Exception {
            GatewayConfig config = parse("""
                    server:
                      port: 0
                      timeouts: {total_ms: 90000}
                    """ + MINIMAL);

            assertThat(config.server()).isEqualTo(new ServerSettings("127.0.0.1", 0, 4 * 1024 * 1024,
                    Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(90)));
        }

        @Test
        void aModelGetsItsNameUpstreamNoPriceNoThinkingAndNoDescription() throws Exception {
            ModelCard card = parse(MINIMAL).pool().require("local");

            assertThat(card.upstreamModel()).isEqualTo("local");
            assertThat(card.prices()).isEqualTo(Prices.FREE);
            assertThat(card.thinking()).isEqualTo(ThinkingSupport.NONE);
            assertThat(card.paramsBillions()).isNull();
            assertThat(card.contextLength()).isZero();
            assertThat(card.apiKeyEnv()).isNull();
            assertThat(card.description()).isEmpty();
            assertThat(card.table()).isNull();
        }

        @Test
        void noDataDirMeansNull() throws Exception {
            assertThat(parse(MINIMAL).dataDir()).isNull();
        }

        @Test
        void emptyOptionalSectionsCountAsAbsent() throws Exception {
            GatewayConfig config = parse("server:\nprofiles:\n" + MINIMAL);

            assertThat(config.server()).isEqualTo(ServerSettings.DEFAULTS);
            assertThat(config.profiles()).containsOnlyKeys("auto");
        }

        @Test
        void aTrailingSlashOnBaseUrlIsDropped() throws Exception {
            GatewayConfig config = parse(MINIMAL.replace("/v1", "/v1/"));

            assertThat(config.pool().require("local").baseUrl()).isEqualTo(URI.create("http://localhost:8000/v1"));
        }

        @Test
        void yesAndOnStayText() throws Exception {
            // YAML 1.1 would read these as booleans and then refuse them as descriptions.
            GatewayConfig config = parse(MINIMAL + "    description: yes\n");

            assertThat(config.pool().require("local").description()).isEqualTo("yes");
        }

        @Test
        void anAbsoluteDataDirIsKept(@TempDir Path dir) throws Exception {
            assertThat(parse("data_dir: " + dir + "\n" + MINIMAL).dataDir()).isEqualTo(dir);
        }
    }

    @Nested
    class DerivedAutoProfile {

        @Test
        void goesFromTheCheapestHybridsOffArmToTheMostExpensiveDefaultArm() throws Exception {
            GatewayConfig config = parse("""
                    models:
                      - {name: mid, dialect: replay, table: t, price: {output: 1.0}}
                      - {name: small, dialect: replay, table: t, price: {output: 0.25}, thinking: qwen3}
                      - {name: big, dialect: replay, table: t, price: {output: 4.4}, thinking: effort}
                    """);

            Profile auto = config.profiles().get("auto");
            assertThat(auto.router()).isEqualTo(new EscalationRule("auto", Arm.parse("small:off"), Arm.parse("big:on"),
                    EscalationRule.DEFAULT_LONG_PROMPT_CHARS, EscalationRule.DEFAULT_KEYWORDS));
            assertThat(auto.description()).contains("derived").contains("small:off").contains("big:on");
        }

        @Test
        void usesTheDefaultArmOfACheapestModelThatIsNotHybrid() throws Exception {
            GatewayConfig config = parse("""
                    models:
                      - {name: reasoner, dialect: replay, table: t, price: {output: 2.19}, thinking: always}
                      - {name: chat, dialect: replay, table: t, price: {output: 1.1}}
                    """);

            EscalationRule rule = (EscalationRule) config.profiles().get("auto").router();
            assertThat(rule.cheap()).isEqualTo(Arm.parse("chat:off"));
            assertThat(rule.strong()).isEqualTo(Arm.parse("reasoner:on"));
        }

        @Test
        void aSingleHybridModelEscalatesFromOffToOn() throws Exception {
            GatewayConfig config = parse("models: [{name: q, dialect: replay, table: t, thinking: deepseek}]");

            EscalationRule rule = (EscalationRule) config.profiles().get("auto").router();
            assertThat(rule.cheap()).isEqualTo(Arm.parse("q:off"));
            assertThat(rule.strong()).isEqualTo(Arm.parse("q:on"));
        }

        @Test
        void onEqualPricesTheFirstInFileOrderWins() throws Exception {
            GatewayConfig config = parse("""
                    models:
                      - {name: a, dialect: replay, table: t, price: {output: 1}}
                      - {name: b, dialect: replay, table: t, price: {output: 1}}
                    """);

            EscalationRule rule = (EscalationRule) config.profiles().get("auto").router();
            assertThat(rule.cheap()).isEqualTo(Arm.parse("a:off"));
            assertThat(rule.strong()).isEqualTo(Arm.parse("a:off"));
        }

        @Test
        void onEqualPricesTheSizeDecidesWhereBothAreKnown() throws Exception {
            // A pool of free local models: without this, auto would never leave the first one.
            GatewayConfig config = parse("""
                    models:
                      - {name: q32, dialect: replay, table: t, params_b: 32, thinking: qwen3}
                      - {name: q8, dialect: replay, table: t, params_b: 8, thinking: qwen3}
                    """);

            EscalationRule rule = (EscalationRule) config.profiles().get("auto").router();
            assertThat(rule.cheap()).isEqualTo(Arm.parse("q8:off"));
            assertThat(rule.strong()).isEqualTo(Arm.parse("q32:on"));
        }

        @Test
        void isAddedFirstWhenTheFileHasOtherProfilesButNoAuto() throws Exception {
            GatewayConfig config = parse("""
                    models: [{name: q, dialect: replay, table: t, thinking: qwen3}]
                    profiles:
                      fast: {arm: "q:off"}
                    """);

            assertThat(config.profiles().keySet()).containsExactly("auto", "fast");
            assertThat(config.profile(GatewayConfig.DEFAULT_PROFILE)).isPresent();
        }

        @Test
        void isNotDerivedWhenTheFileHasOne() throws Exception {
            GatewayConfig config = parse("""
                    models: [{name: q, dialect: replay, table: t, thinking: qwen3}]
                    profiles:
                      auto: {arm: "q:on"}
                    """);

            assertThat(config.profiles().get("auto").router()).isEqualTo(new FixedArmRouter("auto", Arm.parse("q:on")));
        }
    }

    @Nested
    class Server {

        @Test
        void upstreamSettingsCarryTheTimeoutsAndTheEnvironment() {
            ServerSettings server = new ServerSettings("127.0.0.1", 8080, 10, Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(3));

            UpstreamSettings upstream = server.upstreamSettings(Map.of("KEY", "v")::get);

            assertThat(upstream.connect()).isEqualTo(Duration.ofMillis(1));
            assertThat(upstream.firstByte()).isEqualTo(Duration.ofMillis(2));
            assertThat(upstream.total()).isEqualTo(Duration.ofMillis(3));
            assertThat(upstream.env().apply("KEY")).isEqualTo("v");
        }

        @Test
        void withPortChangesOnlyThePort() {
            assertThat(ServerSettings.DEFAULTS.withPort(0))
                    .isEqualTo(new ServerSettings("127.0.0.1", 0, ServerSettings.DEFAULT_MAX_BODY_BYTES,
                            Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(600)));
        }

        @Test
        void settingsBuiltInCodeAreCheckedToo() {
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .isThrownBy(() -> ServerSettings.DEFAULTS.withPort(70_000))
                    .withMessageContaining("port");
        }
    }

    @Nested
    class ReadingFiles {

        @Test
        void aMissingFileIsNamed(@TempDir Path dir) {
            Path missing = dir.resolve("nope.yaml");

            assertThatExceptionOfType(ConfigException.class)
                    .isThrownBy(() -> ConfigLoader.load(missing))
                    .satisfies(e -> assertThat(e.source()).isEqualTo(missing))
                    .withMessageStartingWith(missing + ": ")
                    .withMessageContaining("config file not found: " + missing);
        }

        @Test
        void aDirectoryIsRefused(@TempDir Path dir) {
            assertThatExceptionOfType(ConfigException.class)
                    .isThrownBy(() -> ConfigLoader.load(dir))
                    .withMessageContaining("is a directory");
        }

        @Test
        void aFileThatIsNotUtf8IsRefused(@TempDir Path dir) throws Exception {
            Path latin1 = dir.resolve("latin1.yaml");
            Files.write(latin1, "models: [{name: caf\u00e9}]".getBytes(StandardCharsets.ISO_8859_1));

            assertThatExceptionOfType(ConfigException.class)
                    .isThrownBy(() -> ConfigLoader.load(latin1))
                    .withMessageContaining("is not UTF-8");
        }

        @Test
        void aLoadedFileResolvesDataDirAgainstItsFolder(@TempDir Path dir) throws Exception {
            Path file = dir.resolve("conf/gateway.yaml");
            Files.createDirectories(file.getParent());
            Files.writeString(file, "data_dir: data\nmodels: [{name: m, dialect: replay, table: t}]\n");

            assertThat(ConfigLoader.load(file).dataDir()).isEqualTo(dir.resolve("conf/data"));
        }

        @Test
        void aByteOrderMarkIsIgnored() throws Exception {
            byte[] bytes = "\uFEFFmodels: [{name: m, dialect: replay, table: t}]\n".getBytes(StandardCharsets.UTF_8);

            assertThat(ConfigLoader.parse(new ByteArrayInputStream(bytes), SOURCE).pool().cards()).hasSize(1);
        }
    }
}
