package dev.thinkroute.learn.outcome.importer;

import dev.thinkroute.llm.data.JsonRecords;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thinkroute.core.Outcome;
import dev.thinkroute.core.Prices;
import dev.thinkroute.core.TokenEstimator;
import dev.thinkroute.core.Usage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's GSM8K model solutions ({@code gsm8k_openai/example_model_solutions.jsonl}, Cobbe et al. 2021): the 1319
 * GSM8K test questions, each solved by four GPT-3 systems. Each model size is one model with two thinking modes, the
 * cheap and the expensive inference procedure of the same weights:
 * <ul>
 *   <li>{@code gpt3-6b:off}, {@code gpt3-175b:off} — {@code *_finetuning}: one sample from the finetuned model;</li>
 *   <li>{@code gpt3-6b:on}, {@code gpt3-175b:on} — {@code *_verification}: {@value #SAMPLES} samples, each scored by
 *       a verifier, the best-ranked one answered.</li>
 * </ul>
 * Score = {@code is_correct}. Dataset {@code gsm8k}; query id {@code gsm8k-0000}… by line order, the same ids
 * {@link RouteLlmGsm8kImporter} gives the same questions (the files hold them in the same order).
 *
 * <p><b>Cost.</b> With {@code q} = TokenEstimator(question), {@code s} = TokenEstimator(the chosen solution) and
 * price {@code p} per token ({@link ListPrices#GPT3_6B}, {@link ListPrices#GPT3_175B}):
 * <ul>
 *   <li>off: input {@code q}, output {@code s}; cost {@code p·(q + s)};</li>
 *   <li>on: the paper samples {@value #SAMPLES} solutions per problem and ranks them with a verifier (assumed the
 *       generator's size, as in the paper's main comparison); each sample is taken to be as long as the chosen one.
 *       Generation reads the question {@value #SAMPLES} times and writes {@value #SAMPLES}·s tokens; the verifier
 *       reads question + solution {@value #SAMPLES} times. So input = {@value #SAMPLES}·q + {@value #SAMPLES}·(q + s),
 *       output = {@value #SAMPLES}·s, of which ({@value #SAMPLES} − 1)·s are reasoning tokens (the samples not
 *       shown, the hidden work of this mode); cost ≈ 200 × the off cost.</li>
 * </ul>
 */
public final class OpenAiGsm8kImporter implements Importer {

    /** The registry name. */
    public static final String NAME = "openai-gsm8k";
    /** The dataset the outcomes carry. */
    public static final String DATASET = "gsm8k";
    /** The file, relative to the datasets root. */
    public static final String RELATIVE_PATH = "gsm8k_openai/example_model_solutions.jsonl";
    /** Solutions sampled per problem in verification mode (Cobbe et al. 2021, "we sample 100 completions"). */
    public static final int SAMPLES = 100;

    public static final String MODEL_6B = "gpt3-6b";
    public static final String MODEL_175B = "gpt3-175b";

    /** Source key → (model, thinking), cheapest first. */
    private record System(String key, String model, String thinking, Prices price) {
    }

    private static final List<System> SYSTEMS = List.of(
            new System("6b_finetuning", MODEL_6B, "off", ListPrices.GPT3_6B),
            new System("175b_finetuning", MODEL_175B, "off", ListPrices.GPT3_175B),
            new System("6b_verification", MODEL_6B, "on", ListPrices.GPT3_6B),
            new System("175b_verification", MODEL_175B, "on", ListPrices.GPT3_175B));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "OpenAI GSM8K model solutions: 1319 questions x GPT-3 {6B, 175B} x {one sample (off), verifier "
                + "reranking of 100 samples (on)}, 0/1 scores, costs from solution lengths at 2021 GPT-3 prices";
    }

    @Override
    public ImportResult run(Path dataRoot) {
        ImportRun run = new ImportRun(NAME, DATASET, dataRoot);
        Path file = run.require(RELATIVE_PATH, "OpenAI's GSM8K example model solutions (example_model_solutions.jsonl)");
        List<Outcome> outcomes = new ArrayList<>();
        int[] index = {0};
        JsonRecords.forEachLine(file, (line, rec, error) -> {
            int n = index[0]++;
            run.read(1);
            List<String> why = new ArrayList<>();
            if (error != null) why.add(error);
            else if (!rec.isObject()) why.add("expected a JSON object, got " + JsonRecords.kind(rec));
            String question = null;
            Boolean[] correct = new Boolean[SYSTEMS.size()];
            String[] solution = new String[SYSTEMS.size()];
            if (why.isEmpty()) {
                JsonNode q = rec.get("question");
                if (q == null || !q.isTextual() || q.asText().isBlank()) why.add("question must be a non-empty string, got " + JsonRecords.kind(q));
                else question = q.asText();
                for (int i = 0; i < SYSTEMS.size(); i++) {
                    String key = SYSTEMS.get(i).key();
                    JsonNode sys = rec.get(key);
                    if (sys == null || !sys.isObject()) {
                        why.add(key + " must be an object {is_correct, solution}, got " + JsonRecords.kind(sys));
                        continue;
                    }
                    JsonNode ok = sys.get("is_correct"), text = sys.get("solution");
                    if (ok == null || !ok.isBoolean()) why.add(key + ".is_correct must be true or false, got " + JsonRecords.kind(ok));
                    else correct[i] = ok.booleanValue();
                    if (text == null || !text.isTextual()) why.add(key + ".solution must be a string, got " + JsonRecords.kind(text));
                    else solution[i] = text.asText();
                }
            }
            if (!why.isEmpty()) {
                run.skip(file, line, String.join("; ", why));
                return;
            }
            String id = RouteLlmGsm8kImporter.queryId(n);
            long q = TokenEstimator.estimate(question);
            for (int i = 0; i < SYSTEMS.size(); i++) {
                System sys = SYSTEMS.get(i);
                long s = TokenEstimator.estimate(solution[i]);
                Usage usage = sys.thinking().equals("off")
                        ? new Usage(q, s, 0, true)
                        : new Usage((long) SAMPLES * q + (long) SAMPLES * (q + s), (long) SAMPLES * s, (long) (SAMPLES - 1) * s, true);
                outcomes.add(new Outcome(id, DATASET, question, sys.model(), sys.thinking(), correct[i] ? 1.0 : 0.0,
                        usage.inputTokens(), usage.outputTokens(), usage.reasoningTokens(), sys.price().cost(usage), 0,
                        run.outcomeSource()));
            }
        });
        run.note("arms: *_finetuning -> <model>:off (one sample of the finetuned generator); *_verification -> "
                + "<model>:on (generator + verifier reranking of " + SAMPLES + " samples, Cobbe et al. 2021)");
        run.note("score: is_correct (final answer right) as 1/0; OpenAI's README notes ~1% of samples have calculator errors");
        run.note("verification cost multiplier: " + SAMPLES + " samples generated + " + SAMPLES + " verifier passes over "
                + "question + solution, each sample as long as the chosen one, verifier the generator's size (an "
                + "assumption); about 200x the one-sample cost");
        run.note("latency_ms is 0: the file records no latency");
        Map<String, Prices> used = new LinkedHashMap<>();
        used.put(MODEL_6B, ListPrices.GPT3_6B);
        used.put(MODEL_175B, ListPrices.GPT3_175B);
        return run.finish(outcomes,
                "q = TokenEstimator(question), s = TokenEstimator(the system's solution); off: input q, output s; on: "
                        + "input " + SAMPLES + "q + " + SAMPLES + "(q + s), output " + SAMPLES + "s of which "
                        + (SAMPLES - 1) + "s reasoning; cost_usd = (input x input price + output x output price) / 1e6 "
                        + "with " + ListPrices.GPT3_SOURCE,
                used);
    }
}
