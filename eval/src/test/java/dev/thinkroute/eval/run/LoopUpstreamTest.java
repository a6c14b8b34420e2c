package dev.thinkroute.eval.run;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.Dialect;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Prices;
import dev.thinkroute.core.Thinking;
import dev.thinkroute.core.ThinkingSupport;
import dev.thinkroute.core.Usage;
import dev.thinkroute.llm.ChatCall;
import dev.thinkroute.llm.ChatResult;
import dev.thinkroute.llm.StreamSink;
import dev.thinkroute.llm.Upstream;
import dev.thinkroute.llm.UpstreamException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The upstreams a multi-round loop asks through in eval: the runner's retries, and the run's cache for a rerun. */
class LoopUpstreamTest {

    @TempDir
    Path dir;

    /** Answers from a script: an int is that HTTP status as a failure, a string is the answer. */
    static final class Scripted implements Upstream {
        final ModelCard card = new ModelCard("policy", Dialect.OPENAI, URI.create("http://127.0.0.1:9/v1"), null, "policy",
                new Prices(1.0, 2.0), 3.0, 0, ThinkingSupport.NONE, "", null);
        final Deque<Object> script = new ArrayDeque<>();
        int calls;

        @Override
        public ModelCard card() {
            return card;
        }

        @Override
        public ChatResult complete(ChatCall call) throws UpstreamException {
            calls++;
            Object next = script.poll();
            if (next instanceof Integer status) {
                throw new UpstreamException(UpstreamException.Kind.HTTP_ERROR, "policy", status, "policy answered " + status, null);
            }
            return new ChatResult((String) next, "thought", null, "stop", new Usage(40, 7, 2), 12, null);
        }

        @Override
        public ChatResult stream(ChatCall call, StreamSink sink) {
            throw new UnsupportedOperationException();
        }
    }

    private static ChatCall call(ModelCard card, String text) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putArray("messages").addObject().put("role", "user").put("content", text);
        return new ChatCall(card, Thinking.OFF, body);
    }

    private LiveRunner runner(Scripted upstream, ResponseCache cache) {
        return new LiveRunner(Map.of("policy", upstream), cache,
                new LiveRunner.Options(1, 3, Duration.ofMillis(1), Duration.ofMillis(2), 7, null, true), Progress.Listener.NONE);
    }

    @Test
    void aTransientFailureIsRetriedAndTheAnswerIsServedFromTheCacheNextTime() throws Exception {
        Scripted upstream = new Scripted();
        upstream.script.add(503);
        upstream.script.add("<search> big: Who?");
        try (ResponseCache cache = ResponseCache.open(dir)) {
            ChatResult first = runner(upstream, cache).forLoops("policy", "multi-round:r1").complete(call(upstream.card, "Q1"));
            assertThat(first.content()).isEqualTo("<search> big: Who?");
            assertThat(first.reasoning()).isEqualTo("thought");
            assertThat(first.usage()).isEqualTo(new Usage(40, 7, 2));
            assertThat(upstream.calls).isEqualTo(2);
        }
        // A new run over the same directory: the same request is answered from the file, the upstream is not asked.
        try (ResponseCache cache = ResponseCache.open(dir)) {
            Upstream again = runner(upstream, cache).forLoops("policy", "multi-round:r1");
            assertThat(again.complete(call(upstream.card, "Q1")).content()).isEqualTo("<search> big: Who?");
            assertThat(upstream.calls).isEqualTo(2);
            // Another request (the transcript grew) is asked.
            upstream.script.add("<answer>Spielberg</answer>");
            assertThat(again.complete(call(upstream.card, "Q1 and more")).content()).isEqualTo("<answer>Spielberg</answer>");
            assertThat(upstream.calls).isEqualTo(3);
        }
    }

    @Test
    void aFailureThatIsNotWorthRetryingIsThrownOnceAndNotCached() throws Exception {
        Scripted upstream = new Scripted();
        upstream.script.add(400);
        upstream.script.add("fine now");
        try (ResponseCache cache = ResponseCache.open(dir)) {
            Upstream loop = runner(upstream, cache).forLoops("policy", "multi-round:r1");
            assertThatThrownBy(() -> loop.complete(call(upstream.card, "Q"))).isInstanceOfSatisfying(UpstreamException.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.kind()).isEqualTo(UpstreamException.Kind.HTTP_ERROR);
            });
            assertThat(upstream.calls).isEqualTo(1);
            assertThat(loop.complete(call(upstream.card, "Q")).content()).as("asked again, not served a cached failure").isEqualTo("fine now");
        }
    }

    @Test
    void aModelWithoutAnUpstreamIsNamed() throws Exception {
        try (ResponseCache cache = ResponseCache.open(dir)) {
            assertThatThrownBy(() -> runner(new Scripted(), cache).forLoops("nobody", "s"))
                    .hasMessage("no upstream for model 'nobody'; known: policy");
        }
    }
}
