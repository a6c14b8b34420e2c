package dev.thinkroute.learn.outcome.importer;

import dev.thinkroute.core.Outcome;
import dev.thinkroute.core.Prices;
import dev.thinkroute.core.TokenEstimator;
import dev.thinkroute.core.Usage;
import dev.thinkroute.llm.replay.RecordedAnswer;
import dev.thinkroute.llm.replay.RouteLlmGsm8kTable;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * RouteLLM's GSM8K table ({@code routellm/routellm/evals/gsm8k/gsm8k_responses.csv}): 1319 GSM8K test questions ×
 * 2 arms, {@code gpt-4-1106-preview:off} and {@code mistralai/Mixtral-8x7B-Instruct-v0.1:off}, score 1/0 for a
 * correct/wrong final answer. The file is read by {@code llm}'s {@link RouteLlmGsm8kTable} (the same reader the replay
 * upstream uses), so both see the same rows and skip the same ones.
 *
 * <p>Cost: input tokens = {@link TokenEstimator} on the prompt, output tokens = {@link TokenEstimator} on that model's
 * stored response, priced at {@link ListPrices#GPT4_1106_PREVIEW} and {@link ListPrices#MIXTRAL_8X7B_INSTRUCT}.
 * Query ids are {@code gsm8k-0000}… in file order (0-based, the GSM8K test index), the same ids
 * {@link OpenAiGsm8kImporter} gives the same questions, so the two logs join into one six-arm table.
 */
public final class RouteLlmGsm8kImporter implements Importer {

    /** The registry name. */
    public static final String NAME = "routellm-gsm8k";
    /** The dataset the outcomes carry. */
    public static final String DATASET = "gsm8k";

    /** Cheap arm first, so outcomes of one query read cheapest to dearest. */
    private static final List<String> MODELS = List.of(RouteLlmGsm8kTable.MIXTRAL, RouteLlmGsm8kTable.GPT4);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "RouteLLM GSM8K test: 1319 questions x {gpt-4-1106-preview, Mixtral-8x7B-Instruct}, 0/1 scores, "
                + "costs from the stored responses at list prices";
    }

    @Override
    public ImportResult run(Path dataRoot) {
        ImportRun run = new ImportRun(NAME, DATASET, dataRoot);
        Path csv = run.require(RouteLlmGsm8kTable.RELATIVE_PATH, "RouteLLM's GSM8K outcome table (gsm8k_responses.csv)");
        RouteLlmGsm8kTable table = RouteLlmGsm8kTable.loadFile(csv);
        table.skipped().forEach(run::skipped);
        run.read(table.size() + table.skipped().size());

        List<Outcome> outcomes = new ArrayList<>(table.size() * MODELS.size());
        List<String> prompts = table.prompts();
        for (int i = 0; i < prompts.size(); i++) {
            String prompt = prompts.get(i);
            String id = queryId(i);
            long in = TokenEstimator.estimate(prompt);
            for (String model : MODELS) {
                // The table only holds rows with an answer and a verdict for every model, so the lookup cannot miss.
                RecordedAnswer answer = table.lookup(model, prompt).orElseThrow();
                long out = TokenEstimator.estimate(answer.text());
                Prices price = ListPrices.routeLlm(model);
                double cost = price.cost(new Usage(in, out, 0, true));
                outcomes.add(new Outcome(id, DATASET, prompt, model, "off", answer.score(), in, out, 0, cost, 0,
                        run.outcomeSource()));
            }
        }
        if (!table.skipped().isEmpty()) {
            run.note("query ids number the rows that loaded; with " + table.skipped().size()
                    + " row(s) skipped they no longer equal the GSM8K test index after the first skipped row");
        }
        run.note("score: the file's per-model True/False (final answer correct) as 1/0");
        run.note("latency_ms is 0: the table records no latency");
        return run.finish(outcomes,
                "input_tokens = TokenEstimator(prompt); output_tokens = TokenEstimator(the model's stored response); "
                        + "cost_usd = (input_tokens x input price + output_tokens x output price) / 1e6 with list prices: "
                        + ListPrices.GPT4_SOURCE + "; " + ListPrices.MIXTRAL_SOURCE,
                ListPrices.routeLlm());
    }

    /** The id of the {@code index}-th question (0-based): {@code gsm8k-0042}. */
    public static String queryId(int index) {
        return String.format(Locale.ROOT, "gsm8k-%04d", index);
    }
}
