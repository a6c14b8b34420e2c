package dev.thinkroute.gateway;

import dev.thinkroute.gateway.E2e.Reply;
import dev.thinkroute.llm.replay.OutcomeTable;
import dev.thinkroute.llm.replay.RecordedTables;
import dev.thinkroute.llm.replay.RouteLlmGsm8kTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.thinkroute.gateway.E2e.chat;
import static dev.thinkroute.gateway.E2e.chatBody;
import static dev.thinkroute.gateway.E2e.streamBody;
import static org.assertj.core.api.Assertions.assertThat;

/** Parallel requests share the gateway and its upstreams without failing or mixing up their answers. */
class ConcurrentRequestsE2eTest {

    private static final int PARALLEL = 20;

    private static Gateway gateway;
    private static OutcomeTable table;

    @BeforeAll
    static void start() {
        gateway = E2e.start(E2e.replayYaml());
        table = RecordedTables.open(RouteLlmGsm8kTable.NAME, E2e.dataRoot());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }

    @Test
    void twentyParallelRequestsAllGetTheirOwnRecordedAnswer() throws Exception {
        List<String> questions = table.prompts().subList(0, PARALLEL);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Reply>> replies = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(PARALLEL)) {
            for (int i = 0; i < PARALLEL; i++) {
                String model = i % 2 == 0 ? "gpt-4-1106-preview" : "mixtral-8x7b";
                boolean stream = i % 4 >= 2;
                var body = stream ? streamBody(model, questions.get(i), true) : chatBody(model, questions.get(i));
                replies.add(pool.submit(() -> {
                    go.await();
                    return chat(gateway, body);
                }));
            }
            go.countDown();

            for (int i = 0; i < PARALLEL; i++) {
                Reply reply = replies.get(i).get(30, TimeUnit.SECONDS);
                String recordedModel = i % 2 == 0 ? RouteLlmGsm8kTable.GPT4 : RouteLlmGsm8kTable.MIXTRAL;
                String expected = table.lookup(recordedModel, questions.get(i)).orElseThrow().text();
                assertThat(reply.status()).as("request %d: %s", i, reply).isEqualTo(200);
                String answer = i % 4 >= 2 ? reply.joined("content")
                        : reply.json().path("choices").path(0).path("message").path("content").asText();
                assertThat(answer).as("request %d got its own question's answer", i).isEqualTo(expected);
            }
        }
    }
}
