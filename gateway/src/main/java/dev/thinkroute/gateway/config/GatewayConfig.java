package dev.thinkroute.gateway.config;

import dev.thinkroute.core.Pool;
import dev.thinkroute.core.route.MultiRound;
import dev.thinkroute.core.route.Profile;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The gateway's whole configuration, read from one YAML file by {@link ConfigLoader}.
 *
 * <h2>File format</h2>
 * Keys are snake_case. Unknown keys are errors (with a suggestion when one looks like a typo), and every problem
 * in a file is reported at once, each with its path and line. A complete example lives in the gateway's test
 * resources as {@code config/full.yaml}.
 * <pre>{@code
 * server:                       # optional; so is every key in it
 *   host: 127.0.0.1             # default 127.0.0.1 (this machine only; 0.0.0.0 for all interfaces)
 *   port: 8080                  # default 8080; 0..65535; 0 = any free port
 *   max_body_bytes: 4194304     # default 4 MiB; > 0
 *   timeouts:                   # upstream calls, in milliseconds
 *     connect_ms: 5000          # default 5000; > 0
 *     first_byte_ms: 60000      # default 60000; > 0
 *     total_ms: 600000          # default 600000; > 0 and >= first_byte_ms
 * data_dir: ../shared/datasets  # optional; where replay tables are read; relative to this file's folder
 * models:                       # required; at least one
 *   - name: qwen3-8b            # required; unique; no whitespace; may contain ':' (ollama's qwen3:8b) but not end with it
 *     dialect: openai           # required: openai | replay
 *     base_url: http://localhost:8000/v1   # openai: required, absolute http(s) URL with a host; replay: not allowed
 *     api_key_env: VLLM_API_KEY # optional; the NAME of the environment variable holding the key, never the key
 *     upstream_model: Qwen/Qwen3-8B        # optional; default: name (for replay: the recorded model)
 *     table: routellm-gsm8k     # replay: required, the recorded outcome table; openai: not allowed
 *     price: {input: 0.05, output: 0.25}   # optional; USD per 1M tokens; each >= 0; missing ones are 0
 *     params_b: 8               # optional; billions of parameters; > 0
 *     context_length: 32768     # optional; tokens; > 0
 *     thinking: qwen3           # optional: none | qwen3 | deepseek | effort | always; default none
 *     description: Small hybrid model, fast on easy questions   # optional
 * profiles:                     # optional; name -> profile; clients pick one by its name in `model`
 *   auto:
 *     description: ...          # optional
 *     rule: escalate            # a rule profile: the cheap arm, the strong one for long prompts or keywords
 *     cheap: qwen3-8b:off       # arms are model:thinking; the model must accept that thinking
 *     strong: qwen3-8b:on
 *     long_prompt_chars: 1200   # optional; > 0; default 1200
 *     keywords: [prove, step by step]      # optional; default prove, step by step, derive, think carefully
 *   cheap:
 *     arm: qwen3-8b:off         # a fixed profile: always this arm
 * }</pre>
 * A profile has either {@code rule} or {@code arm}. A profile may not share its name with a model, since a
 * request's {@code model} field could then mean either. When no profile is called {@code auto}, one is derived
 * from the pool: an {@code escalate} rule from the cheapest model's default arm (its {@code off} arm when it is a
 * qwen3/deepseek hybrid) to the most expensive model's default arm, by output price. On equal prices (a pool of
 * free local models) the smaller {@code params_b} is the cheap one and the larger the strong one, where both are
 * given; otherwise the first in file order wins. For the same reason no model may be called {@code auto}.
 *
 * @param source   the file read (for messages and relative paths)
 * @param server   listening and timeout settings
 * @param pool     the model cards, in file order
 * @param profiles by name, in file order, always with {@link #DEFAULT_PROFILE}; a derived {@code auto} comes first
 * @param dataDir  where replay tables are read, absolute and normalised but not checked to exist (the replay
 *                 upstream reports a missing table); {@code null} when the file does not say
 */
public record GatewayConfig(Path source, ServerSettings server, Pool pool, Map<String, Profile> profiles, Path dataDir) {

    /** The profile a request gets when its {@code model} names no other. */
    public static final String DEFAULT_PROFILE = "auto";

    public GatewayConfig {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(pool, "pool");
        // Map.copyOf would lose the file order, which /v1/models and the dashboard show.
        profiles = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(profiles, "profiles")));
    }

    /** The profile called {@code name}, if any. */
    public Optional<Profile> profile(String name) {
        return Optional.ofNullable(profiles.get(name));
    }

    /**
     * Models that serve only as a multi-round policy (a Router-R1 checkpoint): they route rather than answer, so a
     * derived {@code auto} does not send questions to them, nor does {@code eval} measure them as single arms.
     */
    public Set<String> routingOnlyModels() {
        return routingOnly(profiles.values());
    }

    static Set<String> routingOnly(Collection<Profile> profiles) {
        Set<String> policies = new HashSet<>(), answering = new HashSet<>();
        for (Profile p : profiles) {
            if (!(p.router() instanceof MultiRound m)) continue;
            policies.add(m.policy().model());
            m.candidates().values().forEach(a -> answering.add(a.model()));
            answering.add(m.fallback().model());
        }
        policies.removeAll(answering);
        return Set.copyOf(policies);
    }
}
