package dev.thinkroute.gateway.chat;

import dev.thinkroute.core.Dialect;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Prices;
import dev.thinkroute.core.Thinking;
import dev.thinkroute.core.ThinkingSupport;
import dev.thinkroute.llm.ChatCall;
import dev.thinkroute.llm.Upstream;
import dev.thinkroute.llm.UpstreamException;
import dev.thinkroute.llm.UpstreamSettings;
import dev.thinkroute.llm.Upstreams;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A thinking judge (e.g. {@code judge: claude-sonnet:on}) must get a request its provider accepts: Anthropic refuses
 * thinking with a small max_tokens (budget_tokens must be >= 1024 and < max_tokens), which would make the judge
 * "could not be asked" on every request and the cascade always escalate.
 */
class CascadeJudgeThinkingTest {

    @Test
    void aThinkingJudgeArmCanBeAsked() throws Exception {
        ModelCard claude = new ModelCard("claude-sonnet", Dialect.ANTHROPIC, URI.create("http://127.0.0.1:9/v1"), null,
                "claude-sonnet-4-5", new Prices(3, 15), null, 0, ThinkingSupport.BUDGET, "", null);
        try (Upstream judge = Upstreams.create(claude, new UpstreamSettings(Duration.ofMillis(200), Duration.ofMillis(200),
                Duration.ofMillis(500), Map.<String, String>of()::get), () -> null)) {
            UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> judge.complete(new ChatCall(claude,
                    Thinking.ON, CascadeJudge.judgeRequest("What is 2+2?", "#### 4", true))));
            // Nothing listens on port 9: a sendable request fails as UNREACHABLE; a refused one never gets that far.
            assertThat(e).isNotNull();
            assertThat(e.kind()).as(e.getMessage()).isNotEqualTo(UpstreamException.Kind.REFUSED);
        }
    }
}
