package dev.thinkroute.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thinkroute.core.Arm;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Pool;
import dev.thinkroute.core.Spelling;
import dev.thinkroute.core.Thinking;
import dev.thinkroute.core.route.Cascade;
import dev.thinkroute.core.route.CascadeTable;
import dev.thinkroute.core.route.EscalationRule;
import dev.thinkroute.core.route.FixedArmRouter;
import dev.thinkroute.core.route.MultiRound;
import dev.thinkroute.core.route.Profile;
import dev.thinkroute.learn.artifact.CascadeTableFile;
import dev.thinkroute.llm.Upstreams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** Reads the {@code profiles} mapping, checks its arms against the models, and derives {@code auto} when missing. */
final class ProfilesSection {

    static final String ESCALATE = "escalate";
    /** The rules a profile can name. */
    static final List<String> RULES = List.of(ESCALATE);
    static final List<String> RULE_KEYS = List.of("cheap", "strong", "long_prompt_chars", "keywords");
    static final List<String> ROUTER_KEYS = List.of("alpha");
    static final List<String> KEYS = List.of("description", "rule", "cheap", "strong", "long_prompt_chars", "keywords", "arm",
            "router", "alpha", "cascade");
    static final List<String> CASCADE_KEYS = List.of("cheap", "strong", "samples", "checks", "judge", "table", "alpha");
    static final List<String> MULTI_ROUND_KEYS = List.of("policy", "candidates", "fallback", "max_rounds", "callee_max_tokens",
            "policy_max_tokens", "max_cost_usd", "max_tokens", "policy_prompt", "callee_prompt");

    private ProfilesSection() {
    }

    /** The profiles written in the file, in file order; only those read without problems. */
    static Map<String, Profile> read(Section root, ModelsSection.Result models, Path source) {
        Map<String, Profile> profiles = new LinkedHashMap<>();
        Optional<Section> section = root.section("profiles",
                "a mapping of profile names to profiles, e.g. 'cheap: {arm: qwen3-8b:off}'");
        if (section.isEmpty()) return profiles;
        Section all = section.get();
        Pool reference = models.referencePool();
        for (Map.Entry<String, JsonNode> entry : all.entries().entrySet()) {
            String name = entry.getKey();
            int before = all.problems().count();
            if (name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
                all.report(name, "a profile name must be one word without whitespace (clients send it as 'model')");
            }
            ModelsSection.Declared model = models.declared().get(name);
            if (model != null) {
                all.report(name, "profile '" + name + "' has the same name as models[" + model.index()
                        + "]; a request's 'model' could mean either, so rename one");
            }
            Section.of(all.tree(), all.problems(), entry.getValue(), all.path(name), all.pos(name),
                            "a profile (rule: escalate with cheap and strong arms, or arm: model:thinking)")
                    .flatMap(profile -> profile.has("router")
                            ? LearnedProfile.read(profile, name, models, source)
                            : profile.has("cascade") ? readCascade(profile, name, models, reference, source)
                            : profile.has("multi_round") ? readMultiRound(profile, name, models, reference, source)
                            : readProfile(profile, name, models, reference))
                    .filter(profile -> all.problems().count() == before)
                    .ifPresent(profile -> profiles.put(name, profile));
        }
        return profiles;
    }

    private static Optional<Profile> readProfile(Section p, String name, ModelsSection.Result models, Pool reference) {
        int before = p.problems().count();
        p.allowOnly(KEYS);
        String description = p.text("description").orElse("");
        boolean rule = p.has("rule");
        boolean fixed = p.has("arm");

        for (String key : ROUTER_KEYS) {
            if (p.has(key)) p.report(key, "only used by learned profiles (router: FILE)");
        }
        if (rule && fixed) {
            p.report("has both 'rule' and 'arm'; a profile is either a rule (rule: escalate, with cheap and strong) "
                    + "or one fixed arm (arm: model:thinking)");
        } else if (!rule && !fixed) {
            p.report(p.has("cheap") || p.has("strong")
                    ? "needs 'rule: escalate' to use cheap and strong (or 'arm: model:thinking' for one fixed arm)"
                    : "needs one of 'router: FILE' (a learned router), 'rule: escalate' (with cheap and strong arms) or 'arm: model:thinking'");
        }
        // Without a rule, cheap and strong are still checked when they are what the profile is made of.
        boolean ruleShaped = rule || (!fixed && (p.has("cheap") || p.has("strong")));
        if (fixed && !rule) {
            for (String key : RULE_KEYS) {
                if (p.has(key)) p.report(key, "only used by rule profiles; this profile always uses its 'arm'");
            }
        }

        Optional<String> ruleName = p.string("rule").filter(r -> {
            if (RULES.contains(r)) return true;
            String guess = Spelling.closest(r, RULES).map(s -> "did you mean '" + s + "'? ").orElse("");
            p.report("rule", "unknown rule '" + r + "'; " + guess + "known rules: " + String.join(", ", RULES));
            return false;
        });
        Optional<Arm> arm = arm(p, "arm", models, reference);
        Optional<Arm> cheap = Optional.empty();
        Optional<Arm> strong = Optional.empty();
        OptionalLong longPrompt = OptionalLong.empty();
        List<String> keywords = null;
        if (ruleShaped) {
            if (p.require("cheap", "the arm for plain queries, e.g. qwen3-8b:off")) cheap = arm(p, "cheap", models, reference);
            if (p.require("strong", "the arm to escalate to, e.g. qwen3-8b:on")) strong = arm(p, "strong", models, reference);
            longPrompt = p.integer("long_prompt_chars", 1, Integer.MAX_VALUE, "a positive whole number of characters");
            keywords = keywords(p);
        }

        if (p.problems().count() != before) return Optional.empty();
        if (fixed) return Optional.of(new Profile(name, description, new FixedArmRouter(name, arm.orElseThrow())));
        if (ruleName.isEmpty() || cheap.isEmpty() || strong.isEmpty()) return Optional.empty();
        return Optional.of(new Profile(name, description, new EscalationRule(name, cheap.get(), strong.get(),
                (int) longPrompt.orElse(EscalationRule.DEFAULT_LONG_PROMPT_CHARS),
                keywords == null ? EscalationRule.DEFAULT_KEYWORDS : keywords)));
    }

    /**
     * The settings of a profile kind written as one nested mapping ({@code cascade:}, {@code multi_round:}), with any
     * key beside it but {@code description} reported.
     */
    private static Optional<Section> nested(Section p, String kind, String label, String what) {
        for (String key : p.entries().keySet()) {
            if (!key.equals(kind) && !key.equals("description")) {
                p.report(key, label + " profile holds only '" + kind + "' (and 'description'); move '" + key + "' into " + kind + " or remove it");
            }
        }
        return p.section(kind, what);
    }

    /** A file named in the config, relative to the config file's folder. */
    private static Path beside(Path source, String file) {
        return source == null ? Path.of(file) : source.toAbsolutePath().getParent().resolve(file);
    }

    /**
     * A cascade profile: {@code cascade: {cheap: ARM, strong: ARM, samples: 2, checks: math}} (and an optional
     * {@code description} beside it).
     */
    private static Optional<Profile> readCascade(Section p, String name, ModelsSection.Result models, Pool reference, Path source) {
        int before = p.problems().count();
        String description = p.text("description").orElse("");
        Optional<Section> section = nested(p, "cascade", "a cascade", "a mapping like {cheap: qwen3-8b:off, strong: qwen3-8b:on, samples: 2, checks: math}");
        if (section.isEmpty()) return Optional.empty();
        Section c = section.get();
        c.allowOnly(CASCADE_KEYS);
        Optional<Arm> cheap = c.require("cheap", "the arm that answers first, e.g. qwen3-8b:off") ? arm(c, "cheap", models, reference) : Optional.empty();
        Optional<Arm> strong = c.require("strong", "the arm to escalate to, e.g. qwen3-8b:on") ? arm(c, "strong", models, reference) : Optional.empty();
        OptionalLong samples = c.integer("samples", 1, Cascade.MAX_SAMPLES, "a whole number of cheap answers to compare, 1 to " + Cascade.MAX_SAMPLES);
        Optional<Arm> judge = c.has("judge") ? arm(c, "judge", models, reference) : Optional.empty();
        Cascade.Checks checks = c.string("checks").map(text -> {
            try {
                return Cascade.Checks.parse(text);
            } catch (IllegalArgumentException e) {
                c.report("checks", e.getMessage());
                return null;
            }
        }).orElse(Cascade.Checks.MATH);
        if (cheap.isPresent() && strong.isPresent() && cheap.get().equals(strong.get())) {
            c.report("strong", "is the same arm as 'cheap'; a cascade escalates to a different arm");
        }
        CascadeTable table = null;
        if (c.has("table")) {
            Optional<String> file = c.string("table");
            if (file.isPresent()) {
                Path path = beside(source, file.get());
                try {
                    table = CascadeTableFile.read(path);
                } catch (IOException e) {
                    c.report("table", "cannot read " + path + ": " + e.getMessage() + " (write one with thinkroute think --save-cascade)");
                } catch (IllegalArgumentException e) {
                    c.report("table", e.getMessage());
                }
            }
        }
        OptionalDouble alpha = c.number("alpha", a -> a >= 0 && Double.isFinite(a), "a number >= 0 (the quality-for-cost trade of the learned table)");
        if (alpha.isPresent() && !c.has("table")) c.report("alpha", "only used with a learned 'table' (thinkroute think --save-cascade)");
        if (p.problems().count() != before || cheap.isEmpty() || strong.isEmpty() || checks == null) return Optional.empty();
        if (c.has("table") && table == null) return Optional.empty();
        return Optional.of(new Profile(name, description.isEmpty()
                ? "cascade: " + cheap.get().label() + " first, " + strong.get().label() + " when unsure" : description,
                new Cascade(name, cheap.get(), strong.get(), (int) samples.orElse(2), checks, judge.orElse(null), table,
                        alpha.isPresent() && table != null ? alpha.getAsDouble() : null)));
    }

    /**
     * A multi-round profile (the Router-R1 protocol):
     * {@code multi_round: {policy: ARM, candidates: [ARM, …], fallback: ARM, max_rounds: 4, callee_max_tokens: 512,
     * policy_max_tokens: 1024, max_cost_usd: 0.05, max_tokens: 20000, policy_prompt: FILE, callee_prompt: FILE}}. The
     * policy sees each candidate by its model's name, so a model is a candidate once; the fallback defaults to the last
     * candidate. Prompt files are read relative to the config file.
     */
    private static Optional<Profile> readMultiRound(Section p, String name, ModelsSection.Result models, Pool reference, Path source) {
        int before = p.problems().count();
        String description = p.text("description").orElse("");
        Optional<Section> section = nested(p, "multi_round", "a multi-round",
                "a mapping like {policy: router-r1:off, candidates: [qwen3-8b:off, llama-3.1-70b:off]}");
        if (section.isEmpty()) return Optional.empty();
        Section m = section.get();
        m.allowOnly(MULTI_ROUND_KEYS);
        Optional<Arm> policy = m.require("policy", "the arm that thinks and routes, e.g. router-r1:off") ? arm(m, "policy", models, reference) : Optional.empty();
        Map<String, Arm> candidates = new LinkedHashMap<>();
        boolean candidatesRead = m.require("candidates", "a list of arms the policy may ask, e.g. [qwen3-8b:off, llama-3.1-70b:off]")
                && candidates(m, models, reference, candidates);
        Optional<Arm> fallback = m.has("fallback") ? arm(m, "fallback", models, reference) : Optional.empty();
        OptionalLong rounds = m.integer("max_rounds", 1, MultiRound.Settings.MAX_ROUNDS,
                "a whole number of sub-questions, 1 to " + MultiRound.Settings.MAX_ROUNDS);
        OptionalLong calleeTokens = m.integer("callee_max_tokens", 1, 1_000_000, "a positive whole number of tokens");
        OptionalLong policyTokens = m.integer("policy_max_tokens", 1, 1_000_000, "a positive whole number of tokens");
        OptionalDouble maxCost = m.number("max_cost_usd", c -> c > 0 && Double.isFinite(c), "a positive number of US dollars per request");
        OptionalLong maxTokens = m.integer("max_tokens", 1, Long.MAX_VALUE, "a positive whole number of tokens per request");
        String policyPrompt = prompt(m, "policy_prompt", source);
        String calleePrompt = prompt(m, "callee_prompt", source);
        if (p.problems().count() != before || policy.isEmpty() || !candidatesRead) return Optional.empty();
        if (m.has("fallback") && fallback.isEmpty()) return Optional.empty();
        MultiRound.Settings d = MultiRound.Settings.DEFAULTS;
        MultiRound.Settings settings = new MultiRound.Settings((int) rounds.orElse(d.maxRounds()),
                (int) calleeTokens.orElse(d.calleeMaxTokens()), (int) policyTokens.orElse(d.policyMaxTokens()),
                maxCost.orElse(d.maxCostUsd()), maxTokens.orElse(d.maxTokens()));
        Arm last = candidates.values().stream().reduce((a, b) -> b).orElseThrow();
        return Optional.of(new Profile(name, description.isEmpty()
                ? "multi-round: " + policy.get().label() + " asks " + String.join(", ", candidates.keySet()) : description,
                new MultiRound(name, policy.get(), candidates, fallback.orElse(last), settings, new MultiRound.Prompts(policyPrompt, calleePrompt))));
    }

    /** A prompt template file's text, checked for its {@code {question}} placeholder; {@code null} when absent or wrong (reported). */
    private static String prompt(Section m, String key, Path source) {
        Optional<String> file = m.string(key);
        if (file.isEmpty()) return null;
        Path path = beside(source, file.get());
        String text;
        try {
            text = Files.readString(path);
        } catch (IOException | UncheckedIOException e) {
            m.report(key, "cannot read the prompt template " + path + ": " + e.getMessage());
            return null;
        }
        if (!text.contains(MultiRound.Prompts.QUESTION)) {
            m.report(key, path + " has no " + MultiRound.Prompts.QUESTION + " placeholder; the template must say where the question goes"
                    + (key.equals("policy_prompt") ? " (and may use {candidates} and {names})" : ""));
            return null;
        }
        return text;
    }

    /** Reads {@code candidates} into {@code into} (by model name); false when any item is wrong (each is reported). */
    private static boolean candidates(Section m, ModelsSection.Result models, Pool reference, Map<String, Arm> into) {
        JsonNode list = m.value("candidates").orElse(null);
        if (list == null) return false;
        if (!list.isArray() || list.isEmpty()) {
            m.report("candidates", "must be a non-empty list of arms, e.g. [qwen3-8b:off, llama-3.1-70b:off], got "
                    + (list.isArray() ? "an empty list" : Section.describe(list)));
            return false;
        }
        boolean ok = true;
        for (int i = 0; i < list.size(); i++) {
            String path = YamlTree.item(m.path("candidates"), i);
            Pos pos = m.tree().pos(path).known() ? m.tree().pos(path) : m.pos("candidates");
            JsonNode item = list.get(i);
            if (m.tree().alreadyReported(item)) {
                ok = false;
                continue;
            }
            if (!item.isTextual()) {
                m.problems().add(path, pos, "must be an arm written model:thinking, got " + Section.describe(item));
                ok = false;
                continue;
            }
            Optional<Arm> arm = arm(item.asText(), message -> m.problems().add(path, pos, message), models, reference);
            if (arm.isEmpty()) {
                ok = false;
                continue;
            }
            if (into.putIfAbsent(arm.get().model(), arm.get()) != null) {
                m.problems().add(path, pos, "model '" + arm.get().model() + "' is already a candidate; the policy asks a model by its name, "
                        + "so each model can be a candidate once");
                ok = false;
            }
        }
        return ok;
    }

    /** An arm written model:thinking whose model exists and accepts that thinking. */
    private static Optional<Arm> arm(Section p, String key, ModelsSection.Result models, Pool reference) {
        return p.string(key).flatMap(text -> arm(text, message -> p.report(key, message), models, reference));
    }

    /** {@link #arm(Section, String, ModelsSection.Result, Pool)} for a text found elsewhere (a list item); problems go to {@code report}. */
    private static Optional<Arm> arm(String text, Consumer<String> report, ModelsSection.Result models, Pool reference) {
        ModelsSection.Declared whole = models.declared().get(text);
        if (whole != null) {
            // "qwen3:8b" would parse as model qwen3 with thinking "8b"; say what is really missing.
            String arms = reference.arms().stream().filter(a -> a.model().equals(whole.name())).map(Arm::label)
                    .collect(Collectors.joining(" or "));
            report.accept("names model '" + text + "' without a thinking setting; write model:thinking"
                    + (arms.isEmpty() ? "" : ", e.g. " + arms));
            return Optional.empty();
        }
        Arm arm;
        try {
            arm = Arm.parse(text);
        } catch (IllegalArgumentException e) {
            report.accept(e.getMessage());
            return Optional.empty();
        }
        ModelsSection.Declared model = models.declared().get(arm.model());
        if (model == null) {
            // With no usable model names at all, the models section already says what is wrong.
            if (!models.declared().isEmpty()) {
                String guess = Spelling.closest(arm.model(), models.declared().keySet()).map(s -> "did you mean '" + s + "'? ").orElse("");
                report.accept("unknown model '" + arm.model() + "'; " + guess + "known models: " + String.join(", ", models.declared().keySet()));
            }
            return Optional.empty();
        }
        if (model.thinking() == null) return Optional.empty(); // its thinking value is wrong and reported already
        Optional<String> problem = reference.problemWith(arm);
        if (problem.isPresent()) {
            report.accept(problem.get());
            return Optional.empty();
        }
        // The provider's own bounds, known from the card (a Gemini 3 model cannot turn thinking off).
        Optional<String> provider = models.cards().stream().filter(c -> c.name().equals(arm.model())).findFirst()
                .flatMap(card -> Upstreams.refusal(card, arm.thinking()));
        if (provider.isPresent()) {
            report.accept("model '" + arm.model() + "' cannot take thinking '" + arm.thinking().label() + "': " + provider.get());
            return Optional.empty();
        }
        return Optional.of(arm);
    }

    /** Reports each bad item; {@code null} when absent or wrong (the caller then uses the defaults or fails anyway). */
    private static List<String> keywords(Section p) {
        Optional<JsonNode> value = p.value("keywords");
        if (value.isEmpty()) return null;
        if (!value.get().isArray()) {
            p.report("keywords", "must be a list of words or phrases, e.g. [prove, step by step], got " + Section.describe(value.get()));
            return null;
        }
        List<String> keywords = new ArrayList<>();
        for (int i = 0; i < value.get().size(); i++) {
            JsonNode item = value.get().get(i);
            String path = YamlTree.item(p.path("keywords"), i);
            if (p.tree().alreadyReported(item)) continue;
            if (!item.isTextual() || item.asText().isBlank()) {
                Pos pos = p.tree().pos(path);
                p.problems().add(path, pos.known() ? pos : p.pos("keywords"),
                        "must be a non-empty word or phrase, got " + Section.describe(item));
            } else {
                keywords.add(item.asText().strip());
            }
        }
        return keywords;
    }

    /**
     * The {@code auto} profile for a config that has none: the cheapest model's cheapest arm for plain queries,
     * escalating to the most expensive model's default arm. Prices order the models; equal prices (a pool of free
     * local models) fall back to size, and then to file order.
     */
    static Profile derivedAuto(List<ModelCard> cards) {
        ModelCard cheapest = cards.getFirst();
        ModelCard strongest = cards.getFirst();
        for (ModelCard card : cards) {
            if (compare(card, cheapest) < 0) cheapest = card;
            if (compare(card, strongest) > 0) strongest = card;
        }
        // Any model that can answer without thinking starts there (hybrids, budget and adaptive families), unless its
        // provider cannot turn thinking off (Gemini 2.5 Pro, Gemini 3).
        boolean canSkipThinking = Upstreams.refusal(cheapest, Thinking.OFF).isEmpty();
        Arm cheap = canSkipThinking ? new Arm(cheapest.name(), Thinking.OFF) : cheapest.defaultArm();
        Arm strong = strongest.defaultArm();
        String name = GatewayConfig.DEFAULT_PROFILE;
        String description = "derived from the pool (the config has no 'auto' profile): " + cheap.label()
                + " (cheapest), escalating to " + strong.label() + " (most expensive) on long prompts or reasoning keywords";
        return new Profile(name, description, new EscalationRule(name, cheap, strong,
                EscalationRule.DEFAULT_LONG_PROMPT_CHARS, EscalationRule.DEFAULT_KEYWORDS));
    }

    /** By output price, then by size where both sizes are known; 0 means "no reason to prefer either". */
    private static int compare(ModelCard a, ModelCard b) {
        int byPrice = Double.compare(a.prices().outputPerMillion(), b.prices().outputPerMillion());
        if (byPrice != 0 || a.paramsBillions() == null || b.paramsBillions() == null) return byPrice;
        return Double.compare(a.paramsBillions(), b.paramsBillions());
    }
}
