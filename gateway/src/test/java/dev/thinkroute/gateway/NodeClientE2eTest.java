package dev.thinkroute.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thinkroute.gateway.config.ConfigLoader;
import dev.thinkroute.gateway.config.GatewayConfig;
import dev.thinkroute.llm.Upstreams;
import dev.thinkroute.llm.replay.DataLocation;
import dev.thinkroute.llm.replay.RecordedTables;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official {@code openai} npm client (v6, pinned in src/test/node/package.json) against the gateway: blocking,
 * streaming with usage, and an error. Needs Node.js and the npm registry once (the package is cached under target/);
 * without Node the test is skipped with the reason.
 */
class NodeClientE2eTest {

    private static final Path SOURCES = Path.of("src/test/node");
    private static final Path WORK = Path.of("target/node-client");

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theOpenAiNodeClientGetsAnswersRoutingAndErrorsFromTheGateway() throws Exception {
        Assumptions.assumeTrue(run(List.of("node", "--version"), Path.of("."), 30).code == 0, "Node.js is not installed");
        Files.createDirectories(WORK);
        for (String file : List.of("package.json", "client.mjs")) {
            Files.copy(SOURCES.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(WORK.resolve("node_modules/openai"))) {
            Result install = run(List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"), WORK, 240);
            assertThat(install.code).as("npm install openai failed:\n" + install.output).isZero();
        }

        Path data = DataLocation.resolve((Path) null).root();
        String question = RecordedTables.open("routellm-gsm8k", data).prompts().getFirst();
        GatewayConfig config = ConfigLoader.parse("""
                server: {port: 0}
                models:
                  - {name: gpt-4-1106-preview, dialect: replay, table: routellm-gsm8k, price: {input: 10, output: 30}}
                  - {name: mixtral, dialect: replay, table: routellm-gsm8k, upstream_model: mistralai/Mixtral-8x7B-Instruct-v0.1, price: {input: 0.7, output: 0.7}}
                profiles:
                  auto: {rule: escalate, cheap: mixtral:off, strong: gpt-4-1106-preview:off}
                """, Path.of("node-e2e.yaml"));
        try (Gateway gateway = Gateway.start(config, card -> Upstreams.create(card, config.server().upstreamSettings(n -> null), () -> data))) {
            Result client = run(List.of("node", "client.mjs", gateway.baseUrl(), question), WORK, 60);
            assertThat(client.code).as(client.output).isZero();
            String lastLine = client.output.strip().lines().reduce((a, b) -> b).orElseThrow();
            JsonNode seen = new ObjectMapper().readTree(lastLine);

            JsonNode blocking = seen.get("blocking");
            assertThat(blocking.get("content").asText()).contains("#### 18");
            assertThat(blocking.at("/routing/arm").asText()).isEqualTo("mixtral:off");
            assertThat(blocking.at("/routing/reason").asText()).isEqualTo("profile-rule");
            assertThat(blocking.at("/usage/completion_tokens").asLong()).isPositive();
            assertThat(blocking.at("/routing/cost_usd").asDouble()).isPositive();

            JsonNode streaming = seen.get("streaming");
            assertThat(streaming.get("content").asText()).isEqualTo(blocking.get("content").asText());
            assertThat(streaming.get("chunks").asInt()).isGreaterThan(3);
            assertThat(streaming.at("/usage/total_tokens").asLong()).isEqualTo(blocking.at("/usage/total_tokens").asLong());
            assertThat(streaming.at("/routing/cost_usd").asDouble()).isEqualTo(blocking.at("/routing/cost_usd").asDouble());

            JsonNode error = seen.get("error");
            assertThat(error.get("class").asText()).isEqualTo("NotFoundError");
            assertThat(error.get("status").asInt()).isEqualTo(404);
            assertThat(error.get("param").asText()).isEqualTo("model");
            assertThat(error.get("code").asText()).isEqualTo("model_not_found");
        }
    }

    private record Result(int code, String output) {
    }

    private static Result run(List<String> command, Path dir, int timeoutSeconds) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeoutSeconds + " s: " + command);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, command.getFirst() + " could not be started: " + e.getMessage());
        }
    }
}
