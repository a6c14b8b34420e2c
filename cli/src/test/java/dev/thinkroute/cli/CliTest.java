package dev.thinkroute.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CliTest {

    /** The repository root (surefire sets thinkroute.home), so tests can use the shipped example config. */
    private static final Path ROOT = Path.of(System.getProperty("thinkroute.home", "..")).toAbsolutePath().normalize();

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void demoRoutesQuestionsThroughTheGatewayAndComparesWithEachSingleModel() {
        Run r = run("demo", "--questions", "4");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("replaying RouteLLM's recorded GSM8K answers")
                .contains("model=gpt-4-1106-preview")          // a pinned model
                .contains("routing.model=mixtral")             // the routing extension
                .contains("stream, auto")                      // a streamed request
                .contains("caller-forced").contains("profile-rule")
                .contains("always mixtral-8x7b:off").contains("always gpt-4-1106-preview:off")
                .contains("HTTP 400").contains("\"param\":\"reasoning_effort\"");
        // Four numbered rows, each with an arm and a cost.
        assertThat(r.out().lines().filter(l -> l.matches("^[1-4] +.*(mixtral-8x7b|gpt-4-1106-preview):off .*"))).hasSize(4);
    }

    @Test
    void demoRefusesANonsenseQuestionCount() {
        Run r = run("demo", "--questions", "0");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--questions must be between 1 and 500");
    }

    @Test
    void demoWithAMissingDataFolderSaysHowToPointAtTheData(@TempDir Path empty) {
        Run r = run("demo", "--data", empty.resolve("nowhere").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("nowhere").contains("THINKROUTE_DATA");
    }

    @Test
    void routePrintsTheDecisionAndWhyWithoutCallingAModel() {
        Run r = run("route", "--config", ROOT.resolve("config/example.yaml").toString(), "Prove that there are infinitely many primes.");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("arm:     deepseek-v3.1:on").contains("reason:  profile-rule").contains("'prove'");
    }

    @Test
    void routeHonoursTheSoftSwitchAndForcedThinking() {
        Path config = ROOT.resolve("config/example.yaml");
        assertThat(run("route", "-c", config.toString(), "-m", "qwen3-8b", "What is 7*8? /no_think").out())
                .contains("arm:     qwen3-8b:off").contains("(/no_think)");
        Run refused = run("route", "-c", config.toString(), "-m", "o4-mini", "-t", "off", "hi");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("always reasons").contains("(--thinking)");
    }

    @Test
    void aBadConfigListsItsProblemsWithoutAStackTrace(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                models:
                  - name: a
                    dialect: openai
                    base_url: not a url
                    price: {input: -1}
                profiles:
                  auto: {arm: b:off}
                """);
        Run r = run("serve", "--config", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("bad.yaml").contains("models[0].base_url").contains("models[0].price.input")
                .contains("profiles.auto").doesNotContain("\tat ");
    }

    @Test
    void aMissingConfigFileIsNamed() {
        Run r = run("route", "--config", "/no/such/thinkroute.yaml", "q");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("/no/such/thinkroute.yaml");
    }
}
