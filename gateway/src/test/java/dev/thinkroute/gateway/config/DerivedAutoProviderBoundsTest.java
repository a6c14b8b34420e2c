package dev.thinkroute.gateway.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Decision;
import dev.thinkroute.core.Dialect;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Prices;
import dev.thinkroute.core.ThinkingSupport;
import dev.thinkroute.core.route.Profile;
import dev.thinkroute.core.route.Query;
import dev.thinkroute.llm.ChatCall;
import dev.thinkroute.llm.Upstream;
import dev.thinkroute.llm.UpstreamException;
import dev.thinkroute.llm.UpstreamSettings;
import dev.thinkroute.llm.Upstreams;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The provider's own thinking bounds count when profiles are built: the thinking family alone would accept {@code off}
 * for Gemini 3 ({@code thinking: adaptive}) and Gemini 2.5 Pro ({@code thinking: budget}), but Gemini refuses it, so
 * the derived {@code auto} must not start there, and a written profile arm asking for it is a config error.
 */
class DerivedAutoProviderBoundsTest {

    @Test
    void theDerivedCheapArmIsOneItsDialectCanSend() throws Exception {
        ModelCard flash = new ModelCard("gemini-flash", Dialect.GEMINI, URI.create("http://127.0.0.1:9/v1beta"), null,
                "gemini-3-flash-preview", new Prices(0.5, 3.0), null, 0, ThinkingSupport.ADAPTIVE, "", null);
        ModelCard pro = new ModelCard("gemini-pro", Dialect.GEMINI, URI.create("http://127.0.0.1:9/v1beta"), null,
                "gemini-3-pro-preview", new Prices(2.0, 12.0), null, 0, ThinkingSupport.ADAPTIVE, "", null);
        Profile auto = ProfilesSection.derivedAuto(List.of(flash, pro));
        Decision plain = auto.router().route(Query.of("What is the capital of France?"));
        Arm cheap = plain.arm();
        assertThat(cheap.model()).isEqualTo("gemini-flash");

        ObjectNode body = (ObjectNode) new ObjectMapper().readTree("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        try (Upstream upstream = Upstreams.create(flash, new UpstreamSettings(Duration.ofMillis(200), Duration.ofMillis(200),
                Duration.ofMillis(500), Map.<String, String>of()::get), () -> null)) {
            UpstreamException e = catchThrowableOfType(UpstreamException.class,
                    () -> upstream.complete(new ChatCall(flash, cheap.thinking(), body)));
            // Nothing listens on port 9: a sendable request fails as UNREACHABLE; a refused one never gets that far.
            assertThat(e).isNotNull();
            assertThat(e.kind()).as(e.getMessage()).isNotEqualTo(UpstreamException.Kind.REFUSED);
        }
    }

    @Test
    void aProfileArmTheProviderWouldRefuseIsAConfigError() {
        assertThat(ConfigValidationTest.problems("""
                models:
                  - {name: gemini-flash, dialect: gemini, base_url: "http://127.0.0.1:9/v1beta", upstream_model: gemini-3-flash-preview, thinking: adaptive}
                profiles:
                  quick: {arm: "gemini-flash:off"}
                """)).singleElement().asString()
                .startsWith("profiles.quick.arm: model 'gemini-flash' cannot take thinking 'off': ").contains("Gemini 3 Flash");
    }
}
