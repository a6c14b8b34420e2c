package dev.thinkroute.gateway;

import static dev.thinkroute.gateway.CascadeE2eTest.KEEP_A;
import static dev.thinkroute.gateway.CascadeE2eTest.KEEP_B;
import static dev.thinkroute.gateway.CascadeE2eTest.OFF_BY_TWO;
import static dev.thinkroute.gateway.CascadeE2eTest.STRONG_ANSWER;
import static dev.thinkroute.gateway.CascadeE2eTest.THOUGHT;
import static dev.thinkroute.gateway.E2e.chat;
import static dev.thinkroute.gateway.E2e.chatBody;
import static dev.thinkroute.gateway.FakeCascadeUpstream.STRONG;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.route.CascadeTable;
import dev.thinkroute.gateway.E2e.Reply;
import dev.thinkroute.gateway.FakeCascadeUpstream.Script;
import dev.thinkroute.learn.artifact.CascadeTableFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A cascade with a learned table (thinkroute think --save-cascade): the cheap answers' suspicion level and the
 * trade α decide, and a caller can move α per request with routing.alpha.
 */
@Timeout(60)
class CascadeTableE2eTest {

    /** Agreeing clean answers gain 0.02 from escalating; disagreeing ones 0.3. */
    static final CascadeTable TABLE = new CascadeTable(List.of(new CascadeTable.Level(0, 200, 0.80, 0.82),
            new CascadeTable.Level(2, 100, 0.30, 0.60)), 1.0, 1.0, 0.1, "test table");

    private static FakeCascadeUpstream fake;
    private static Gateway gateway;
    private static Path dir;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("cascade-table");
        CascadeTableFile.write(dir.resolve("table.json"), TABLE);
        fake = new FakeCascadeUpstream();
        gateway = E2e.start("""
                %s
                models:
                %s
                profiles:
                  learned:
                    cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on", samples: 2, checks: math, table: "%s"}
                """.formatted(E2e.serverYaml(5_000), E2e.qwen3CardYaml("qwen3-8b", fake.baseUrl()), dir.resolve("table.json")));
    }

    @AfterAll
    static void stop() throws IOException {
        E2e.closeAll(gateway, fake);
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @BeforeEach
    void forget() {
        fake.clear();
    }

    private static String script(String tag, String second) {
        String q = "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. "
                + "How many clips did Natalia sell altogether? (" + tag + ")";
        fake.script(q, Script.of(THOUGHT, STRONG_ANSWER, KEEP_A, second));
        return q;
    }

    @Test
    void agreeingAnswersAreKeptWhereTheTableSaysEscalatingDoesNotPay() {
        Reply reply = chat(gateway, chatBody("learned", script("agree", KEEP_B)));
        JsonNode routing = reply.json().path("routing");
        assertThat(routing.path("arm").asText()).isEqualTo("qwen3-8b:off");
        assertThat(routing.at("/cascade/signals/level").asInt()).isZero();
        assertThat(routing.at("/cascade/signals/alpha").asDouble()).isEqualTo(0.1);
        assertThat(routing.path("detail").asText()).contains("level 0", "right 80% and the strong 82% of 200 times", "α=0.1");
        assertThat(fake.received(STRONG)).isEmpty();
    }

    @Test
    void disagreeingAnswersEscalateAtTheCalibratedAlphaButNotWhenTheCallerPaysLess() {
        Reply escalated = chat(gateway, chatBody("learned", script("disagree", OFF_BY_TWO)));
        assertThat(escalated.json().at("/routing/arm").asText()).isEqualTo("qwen3-8b:on");
        assertThat(escalated.json().at("/routing/cascade/signals/level").asInt()).isEqualTo(2);
        assertThat(fake.received(STRONG)).hasSize(1);

        fake.clear();
        ObjectNode body = chatBody("learned", script("disagree, cheap please", OFF_BY_TWO));
        body.putObject("routing").put("alpha", 0.5); // a 0.3 gain no longer pays for the call
        Reply kept = chat(gateway, body);
        assertThat(kept.status()).as(kept.toString()).isEqualTo(200);
        assertThat(kept.json().at("/routing/arm").asText()).isEqualTo("qwen3-8b:off");
        assertThat(kept.json().at("/routing/cascade/signals/alpha").asDouble()).isEqualTo(0.5);
        assertThat(fake.received(STRONG)).isEmpty();
    }

    @Test
    void aCascadeTakesOnlyAlphaAmongTheRoutingLimits() {
        ObjectNode body = chatBody("learned", script("arms", KEEP_B));
        body.putObject("routing").putArray("arms").add("qwen3-8b:on");
        Reply r = chat(gateway, body);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/param").asText()).isEqualTo("routing.arms");
        assertThat(r.json().at("/error/message").asText()).contains("takes only routing.alpha");
    }
}
