package dev.thinkroute.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thinkroute.core.BudgetMethod;
import dev.thinkroute.core.Dialect;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Pool;
import dev.thinkroute.core.Prices;
import dev.thinkroute.core.ThinkingSupport;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** Reads the {@code models} list into model cards. */
final class ModelsSection {

    static final List<String> KEYS = List.of("name", "dialect", "base_url", "api_key_env", "upstream_model", "table",
            "price", "params_b", "context_length", "thinking", "thinking_budget", "description");

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * Beginnings of real provider keys (OpenAI/DeepSeek, Anthropic, GitHub, GitLab, xAI, Groq, Hugging Face,
     * Google, Replicate, NVIDIA, Perplexity, Fireworks). Case matters: {@code HF_TOKEN} is a variable, {@code hf_...} a key.
     */
    private static final List<String> KEY_PREFIXES = List.of("sk-", "sk_", "rk_", "ghp_", "gho_", "github_pat_", "glpat-",
            "xai-", "gsk_", "hf_", "AIza", "r8_", "nvapi-", "pplx-", "fw_", "Bearer ");

    /**
     * A model as far as it could be read: what profiles need to check their arms even when the model has other
     * problems, so that one bad price does not turn every arm naming the model into "unknown model".
     *
     * @param thinking {@code null} when the model's {@code thinking} value is itself wrong
     */
    record Declared(String name, int index, ThinkingSupport thinking) {
    }

    /**
     * @param cards    the models that were read without problems, in file order
     * @param declared every model with a usable, unique name, by name, in file order
     */
    record Result(List<ModelCard> cards, Map<String, Declared> declared) {

        /** A pool of stand-in cards for every declared model whose thinking is known, to ask {@link Pool#problemWith}. */
        Pool referencePool() {
            List<ModelCard> standIns = new ArrayList<>();
            for (Declared d : declared.values()) {
                if (d.thinking() == null) continue;
                standIns.add(new ModelCard(d.name(), Dialect.OPENAI, null, null, null, Prices.FREE, null, 0, d.thinking(), null, null));
            }
            return new Pool(standIns);
        }
    }

    private ModelsSection() {
    }

    static Result read(Section root) {
        List<ModelCard> cards = new ArrayList<>();
        Map<String, Declared> declared = new LinkedHashMap<>();
        if (!root.require("models", "list at least one model, e.g. '- {name: qwen3-8b, dialect: openai, base_url: http://localhost:8000/v1}'")) {
            return new Result(cards, declared);
        }
        Optional<JsonNode> value = root.value("models");
        if (value.isEmpty()) return new Result(cards, declared);
        JsonNode list = value.get();
        if (!list.isArray()) {
            root.report("models", "must be a list of models, each starting with '- name: ...', got " + Section.describe(list));
            return new Result(cards, declared);
        }
        if (list.isEmpty()) {
            root.report("models", "must list at least one model");
            return new Result(cards, declared);
        }
        for (int i = 0; i < list.size(); i++) {
            String path = YamlTree.item(root.path("models"), i);
            int index = i;
            Section.of(root.tree(), root.problems(), list.get(i), path, root.tree().pos(path), "a model (name, dialect, ...)")
                    .flatMap(model -> readModel(model, index, declared))
                    .ifPresent(cards::add);
        }
        return new Result(cards, declared);
    }

    /** One model; its card only when every field is right. Records its name in {@code declared} when usable. */
    private static Optional<ModelCard> readModel(Section m, int index, Map<String, Declared> declared) {
        int before = m.problems().count();
        m.allowOnly(KEYS);

        Optional<String> name = m.requiredString("name", "the name clients put in 'model' and arms are written with")
                .filter(n -> validName(m, n));
        Optional<Dialect> dialect = m.requiredString("dialect", "openai, anthropic, gemini, ollama or replay").flatMap(text -> {
            try {
                return Optional.of(Dialect.parse(text));
            } catch (IllegalArgumentException e) {
                m.report("dialect", e.getMessage());
                return Optional.empty();
            }
        });
        ThinkingSupport thinking = m.has("thinking") ? m.string("thinking").map(text -> {
            try {
                return ThinkingSupport.parse(text);
            } catch (IllegalArgumentException e) {
                m.report("thinking", e.getMessage());
                return null;
            }
        }).orElse(null) : ThinkingSupport.NONE;

        if (dialect.isPresent() && thinking != null) {
            String mismatch = thinkingMismatch(dialect.get(), thinking);
            if (mismatch != null) m.report("thinking", mismatch);
        }

        if (name.isPresent()) {
            Declared first = declared.get(name.get());
            if (first != null) {
                m.report("name", "duplicate model name '" + name.get() + "'; models[" + first.index() + "] already uses it");
                name = Optional.empty();
            } else {
                declared.put(name.get(), new Declared(name.get(), index, thinking));
            }
        }

        URI baseUrl = dialectField(m, "base_url", dialect, SERVED,
                "the API root, e.g. http://localhost:8000/v1") ? url(m, "base_url").orElse(null) : null;
        String table = dialectField(m, "table", dialect, Dialect.REPLAY,
                "the recorded outcome table this model answers from, e.g. routellm-gsm8k") ? m.string("table").orElse(null) : null;
        String apiKeyEnv = dialectField(m, "api_key_env", dialect, SERVED, null) ? apiKeyEnv(m).orElse(null) : null;
        BudgetMethod budgetMethod = dialectField(m, "thinking_budget", dialect, Dialect.OPENAI, null)
                ? m.string("thinking_budget").map(text -> {
                    try {
                        return BudgetMethod.parse(text);
                    } catch (IllegalArgumentException e) {
                        m.report("thinking_budget", e.getMessage());
                        return null;
                    }
                }).orElse(BudgetMethod.TWO_CALL) : BudgetMethod.TWO_CALL;
        String upstreamModel = m.string("upstream_model").orElse(null);
        Prices prices = m.section("price", "a mapping like {input: 0.05, output: 0.25} (USD per 1M tokens)")
                .map(ModelsSection::prices).orElse(Prices.FREE);
        OptionalDouble params = m.number("params_b", x -> x > 0, "a positive number (billions of parameters)");
        OptionalLong context = m.integer("context_length", 1, Integer.MAX_VALUE, "a positive whole number of tokens");
        String description = m.text("description").orElse("");

        if (m.problems().count() != before || name.isEmpty() || dialect.isEmpty() || thinking == null || budgetMethod == null) return Optional.empty();
        return Optional.of(new ModelCard(name.get(), dialect.get(), baseUrl, apiKeyEnv, upstreamModel, prices,
                params.isPresent() ? params.getAsDouble() : null, (int) context.orElse(0), thinking, description, table, budgetMethod));
    }

    private static boolean validName(Section m, String name) {
        if (name.chars().anyMatch(Character::isWhitespace)) {
            m.report("name", "must not contain whitespace, got '" + name + "'");
            return false;
        }
        if (name.endsWith(":")) {
            // Arms are written model:thinking and split at the last ':'.
            m.report("name", "must not end with ':', got '" + name + "' (a ':' inside, as in qwen3:8b, is fine)");
            return false;
        }
        if (name.equals(GatewayConfig.DEFAULT_PROFILE)) {
            m.report("name", "'" + GatewayConfig.DEFAULT_PROFILE + "' is the name of the default routing profile; give the model another name");
            return false;
        }
        return true;
    }

    /**
     * Whether a field that belongs to one dialect should be read: reports it missing when {@code requiredHint} is
     * given and the dialect needs it, and reports it as unused under the other dialect. Under an unknown dialect
     * the field is read if present, so its own problems still show.
     */
    /**
     * Why a dialect cannot carry a thinking family, or {@code null}. Native-budget families need a provider with a
     * budget field; chat-template families need an OpenAI-compatible server (or Ollama's switch).
     */
    static String thinkingMismatch(Dialect dialect, ThinkingSupport thinking) {
        java.util.Set<ThinkingSupport> allowed = switch (dialect) {
            case OPENAI -> java.util.EnumSet.complementOf(java.util.EnumSet.of(ThinkingSupport.BUDGET, ThinkingSupport.ADAPTIVE));
            case ANTHROPIC, GEMINI -> java.util.EnumSet.of(ThinkingSupport.NONE, ThinkingSupport.BUDGET, ThinkingSupport.ADAPTIVE,
                    ThinkingSupport.ALWAYS);
            case OLLAMA, REPLAY -> java.util.EnumSet.allOf(ThinkingSupport.class);
        };
        if (allowed.contains(thinking)) return null;
        return "thinking '" + thinking.label() + "' cannot be carried by dialect " + dialect.label() + "; it takes "
                + String.join(", ", allowed.stream().map(ThinkingSupport::label).toList());
    }

    /** The dialects that call a server (every one but replay). */
    private static final java.util.Set<Dialect> SERVED = java.util.EnumSet.complementOf(java.util.EnumSet.of(Dialect.REPLAY));

    private static boolean dialectField(Section m, String key, Optional<Dialect> dialect, Dialect owner, String requiredHint) {
        return dialectField(m, key, dialect, java.util.EnumSet.of(owner), requiredHint);
    }

    private static boolean dialectField(Section m, String key, Optional<Dialect> dialect, java.util.Set<Dialect> owners, String requiredHint) {
        if (dialect.isEmpty()) return m.has(key);
        if (!owners.contains(dialect.get())) {
            if (m.has(key)) {
                m.report(key, "not used by dialect " + dialect.get().label() + "; remove it (" + key + " is for dialect "
                        + String.join(", ", owners.stream().map(Dialect::label).toList()) + ")");
            }
            return false;
        }
        if (requiredHint != null) return m.require(key, requiredHint);
        return m.has(key);
    }

    private static Optional<URI> url(Section m, String key) {
        Optional<String> text = m.string(key);
        if (text.isEmpty()) return Optional.empty();
        String expected = "must be an absolute http:// or https:// URL such as http://localhost:8000/v1, got '" + text.get() + "'";
        URI uri;
        try {
            uri = new URI(text.get());
        } catch (URISyntaxException e) {
            m.report(key, expected + " (" + e.getReason() + " at index " + e.getIndex() + ")");
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
            m.report(key, expected);
            return Optional.empty();
        }
        if (uri.getRawUserInfo() != null) {
            // Not echoed: user:password@ is a credential.
            m.report(key, "must not carry a user or password; put the key in an environment variable and name it in api_key_env");
            return Optional.empty();
        }
        if (uri.getHost() == null) {
            m.report(key, "has no host, got '" + text.get() + "' (note: host names cannot contain '_')");
            return Optional.empty();
        }
        // The dialect appends paths like /chat/completions; a trailing '/' would double the slash.
        String trimmed = text.get().replaceAll("/+$", "");
        return Optional.of(trimmed.equals(text.get()) ? uri : URI.create(trimmed));
    }

    /** Never echoes the value: a mistake here is often the key itself pasted into the file. */
    private static Optional<String> apiKeyEnv(Section m) {
        Optional<JsonNode> value = m.value("api_key_env");
        if (value.isEmpty()) return Optional.empty();
        if (!value.get().isTextual()) {
            m.report("api_key_env", "must be the name of an environment variable, e.g. OPENAI_API_KEY (the value is not shown)");
            return Optional.empty();
        }
        String name = value.get().asText().strip();
        if (name.isEmpty()) {
            m.report("api_key_env", "must not be empty; leave the key out for a server without a key");
        } else if (looksLikeKey(name)) {
            m.report("api_key_env", "looks like a key itself; put the key in an environment variable and name the variable here, "
                    + "e.g. api_key_env: OPENAI_API_KEY (the value is not shown)");
        } else if (!ENV_NAME.matcher(name).matches()) {
            m.report("api_key_env", "must be an environment variable name (letters, digits and '_', not starting with a digit), "
                    + "e.g. OPENAI_API_KEY (the value is not shown)");
        } else {
            return Optional.of(name);
        }
        return Optional.empty();
    }

    static boolean looksLikeKey(String text) {
        for (String prefix : KEY_PREFIXES) {
            if (!text.startsWith(prefix)) continue;
            // A prefix that a variable name could also start with (sk_, hf_) only counts on a key-length value.
            if (!ENV_NAME.matcher(prefix).matches() || text.length() >= 20) return true;
        }
        // A long mixed-case blob with many digits: a generated token, not a name someone typed.
        long digits = text.chars().filter(Character::isDigit).count();
        return text.length() >= 32 && digits >= 4
                && text.chars().anyMatch(Character::isLowerCase) && text.chars().anyMatch(Character::isUpperCase);
    }

    private static Prices prices(Section price) {
        price.allowOnly(List.of("input", "output"));
        OptionalDouble input = price.number("input", x -> x >= 0, "a non-negative number");
        OptionalDouble output = price.number("output", x -> x >= 0, "a non-negative number");
        return new Prices(input.orElse(0), output.orElse(0));
    }
}
