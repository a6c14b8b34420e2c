package dev.thinkroute.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.Arm;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.route.Profile;
import dev.thinkroute.gateway.chat.ApiException;
import dev.thinkroute.gateway.chat.ArmSelector;
import dev.thinkroute.gateway.chat.ChatHandler;
import dev.thinkroute.gateway.config.GatewayConfig;
import dev.thinkroute.llm.Upstream;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The OpenAI-compatible HTTP gateway: {@code POST /v1/chat/completions}, {@code GET /v1/models},
 * {@code GET /healthz}. Handlers are plain blocking code on Helidon's virtual threads.
 */
public final class Gateway implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());

    private final GatewayConfig config;
    private final Map<String, Upstream> upstreams;
    private final WebServer server;

    private Gateway(GatewayConfig config, Map<String, Upstream> upstreams, WebServer server) {
        this.config = config;
        this.upstreams = upstreams;
        this.server = server;
    }

    /**
     * Starts the gateway on the configured host and port (port 0: any free one, see {@link #port()}).
     *
     * @param upstreamFactory makes the upstream of each model card (one per card, kept for the gateway's life)
     */
    public static Gateway start(GatewayConfig config, Function<ModelCard, Upstream> upstreamFactory) {
        Map<String, Upstream> upstreams = new LinkedHashMap<>();
        try {
            for (ModelCard card : config.pool().cards()) {
                upstreams.put(card.name(), Objects.requireNonNull(upstreamFactory.apply(card), "upstream for " + card.name()));
            }
        } catch (RuntimeException e) {
            upstreams.values().forEach(Upstream::close);
            throw e;
        }
        ArmSelector selector = new ArmSelector(config.pool(), config.profiles());
        ChatHandler chat = new ChatHandler(config.pool(), selector, Map.copyOf(upstreams), config.server().maxBodyBytes());
        HttpRouting.Builder routing = HttpRouting.builder()
                .post("/v1/chat/completions", chat)
                .get("/v1/models", (req, res) -> models(config, res))
                .get("/healthz", (req, res) -> health(config, res))
                .any("/v1/chat/completions", (req, res) -> methodNotAllowed(req, res, "POST"))
                .any("/v1/models", (req, res) -> methodNotAllowed(req, res, "GET"))
                .any("/healthz", (req, res) -> methodNotAllowed(req, res, "GET"))
                .any(Gateway::notFound);
        WebServer server = WebServer.builder()
                .host(config.server().host())
                .port(config.server().port())
                .shutdownHook(false)
                .routing(routing)
                .build()
                .start();
        LOG.log(System.Logger.Level.INFO, "thinkroute gateway listening on http://" + config.server().host() + ":" + server.port()
                + " with " + upstreams.size() + " models and profiles " + config.profiles().keySet());
        return new Gateway(config, upstreams, server);
    }

    public int port() {
        return server.port();
    }

    /** The base URL clients put in their OpenAI SDK, e.g. {@code http://127.0.0.1:8080/v1}. */
    public String baseUrl() {
        return "http://" + config.server().host() + ":" + port() + "/v1";
    }

    public GatewayConfig config() {
        return config;
    }

    @Override
    public void close() {
        server.stop();
        upstreams.values().forEach(Upstream::close);
    }

    private static void models(GatewayConfig config, ServerResponse res) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ArrayNode data = f.arrayNode();
        for (Profile profile : config.profiles().values()) {
            ObjectNode m = data.addObject();
            fill(m, profile.name());
            ObjectNode tr = m.putObject("thinkroute");
            tr.put("kind", "profile");
            tr.put("description", profile.description());
        }
        for (ModelCard card : config.pool().cards()) {
            ObjectNode m = data.addObject();
            fill(m, card.name());
            ObjectNode tr = m.putObject("thinkroute");
            tr.put("kind", "model");
            tr.put("dialect", card.dialect().label());
            tr.put("thinking", card.thinking().label());
            ArrayNode arms = tr.putArray("arms");
            config.pool().arms().stream().filter(a -> a.model().equals(card.name())).map(Arm::label).forEach(arms::add);
            tr.put("input_usd_per_1m", card.prices().inputPerMillion());
            tr.put("output_usd_per_1m", card.prices().outputPerMillion());
            if (card.contextLength() > 0) tr.put("context_length", card.contextLength());
            tr.put("description", card.description());
        }
        ObjectNode root = f.objectNode();
        root.put("object", "list");
        root.set("data", data);
        ChatHandler.sendJson(res, Status.OK_200, root);
    }

    private static void fill(ObjectNode m, String id) {
        m.put("id", id);
        m.put("object", "model");
        m.put("created", 0);
        m.put("owned_by", "thinkroute");
    }

    private static void health(GatewayConfig config, ServerResponse res) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("status", "ok");
        root.put("models", config.pool().cards().size());
        root.put("profiles", config.profiles().size());
        ChatHandler.sendJson(res, Status.OK_200, root);
    }

    private static void notFound(ServerRequest req, ServerResponse res) {
        ChatHandler.sendError(res, new ApiException(404, "invalid_request_error", null, "unknown_url",
                "unknown request URL: " + req.prologue().method().text() + " " + req.path().path()
                        + "; thinkroute serves POST /v1/chat/completions, GET /v1/models and GET /healthz"));
    }

    private static void methodNotAllowed(ServerRequest req, ServerResponse res, String allowed) {
        res.header("Allow", allowed);
        ChatHandler.sendError(res, new ApiException(405, "invalid_request_error", null, "method_not_allowed",
                req.prologue().method().text() + " is not allowed on " + req.path().path() + "; use " + allowed));
    }
}
