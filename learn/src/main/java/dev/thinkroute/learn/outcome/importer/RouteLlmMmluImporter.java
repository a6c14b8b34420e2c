package dev.thinkroute.learn.outcome.importer;

import dev.thinkroute.llm.data.CsvRecords;

import dev.thinkroute.core.Outcome;
import dev.thinkroute.core.TokenEstimator;
import dev.thinkroute.core.Usage;
import dev.thinkroute.llm.replay.DataLocation;
import dev.thinkroute.llm.replay.MissingDataException;
import dev.thinkroute.llm.replay.RouteLlmGsm8kTable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * RouteLLM's MMLU tables ({@code routellm/routellm/evals/mmlu/responses/mmlu_<subject>.csv}, 57 subjects, 14,042
 * questions) × 2 arms, {@code gpt-4-1106-preview:off} and {@code mistralai/Mixtral-8x7B-Instruct-v0.1:off}, score
 * 1/0. Dataset {@code mmlu}; query id {@code mmlu-<subject>-<row>}, the row being the record's 0-based place in its
 * file (skipped rows keep their number, so ids stay put).
 *
 * <p>No responses are stored, so the output is priced as {@link AnswerLengths#MULTIPLE_CHOICE} tokens per answer;
 * input tokens are {@link TokenEstimator} on the prompt. Prices: {@link ListPrices}. Exact duplicate prompts (MMLU
 * has a few) are kept as separate queries, since they are separate test items; their count is noted.
 */
public final class RouteLlmMmluImporter implements Importer {

    /** The registry name. */
    public static final String NAME = "routellm-mmlu";
    /** The dataset the outcomes carry. */
    public static final String DATASET = "mmlu";
    /** The folder of the subject files, relative to the datasets root. */
    public static final String RELATIVE_DIR = "routellm/routellm/evals/mmlu/responses";

    private static final String PROMPT = "prompt";
    private static final List<String> MODELS = List.of(RouteLlmGsm8kTable.MIXTRAL, RouteLlmGsm8kTable.GPT4);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "RouteLLM MMLU test: 14,042 questions in 57 subjects x {gpt-4-1106-preview, Mixtral-8x7B-Instruct}, "
                + "0/1 scores, costs from the prompt and a 5-token answer at list prices";
    }

    @Override
    public ImportResult run(Path dataRoot) {
        ImportRun run = new ImportRun(NAME, DATASET, dataRoot);
        List<Path> files = subjectFiles(run.root());
        List<String> columns = new ArrayList<>();
        columns.add(PROMPT);
        columns.addAll(MODELS);
        List<Outcome> outcomes = new ArrayList<>();
        Map<String, String> firstSeen = new HashMap<>();
        int duplicates = 0;
        for (Path file : files) {
            run.source(file);
            String name = file.getFileName().toString();
            String subject = name.substring("mmlu_".length(), name.length() - ".csv".length());
            CsvRecords csv = CsvRecords.read(file);
            int[] col = csv.require(columns);
            int width = csv.header().size();
            List<CsvRecords.Row> rows = csv.rows();
            run.read(rows.size());
            for (int r = 0; r < rows.size(); r++) {
                CsvRecords.Row row = rows.get(r);
                List<String> why = new ArrayList<>();
                if (row.fields().size() != width) {
                    why.add("has " + row.fields().size() + " field(s), the header has " + width);
                }
                String prompt = row.field(col[0]);
                if (prompt == null || prompt.isBlank()) why.add("missing prompt");
                Double[] scores = new Double[MODELS.size()];
                for (int m = 0; m < MODELS.size(); m++) {
                    scores[m] = bool(row.field(col[m + 1]));
                    if (scores[m] == null) {
                        why.add("column '" + MODELS.get(m) + "' is " + quote(row.field(col[m + 1])) + ", expected True or False");
                    }
                }
                if (!why.isEmpty()) {
                    run.skip(file, row.line(), String.join("; ", why));
                    continue;
                }
                String id = String.format(Locale.ROOT, "mmlu-%s-%04d", subject, r);
                if (firstSeen.putIfAbsent(prompt, id) != null) duplicates++;
                long in = TokenEstimator.estimate(prompt);
                long out = AnswerLengths.MULTIPLE_CHOICE;
                for (int m = 0; m < MODELS.size(); m++) {
                    String model = MODELS.get(m);
                    double cost = ListPrices.routeLlm(model).cost(new Usage(in, out, 0, true));
                    outcomes.add(new Outcome(id, DATASET, prompt, model, "off", scores[m], in, out, 0, cost, 0,
                            run.outcomeSource()));
                }
            }
        }
        run.note(files.size() + " subject files read (mmlu_<subject>.csv; SOURCE.md lists 57)");
        run.note("score: the file's per-model True/False (chosen letter correct) as 1/0");
        if (duplicates > 0) {
            run.note(duplicates + " prompt(s) repeat an earlier prompt word for word; kept as separate queries "
                    + "(separate MMLU test items, each with its own recorded outcomes)");
        }
        run.note("latency_ms is 0: the tables record no latency");
        return run.finish(outcomes,
                "input_tokens = TokenEstimator(prompt); output_tokens = " + AnswerLengths.MULTIPLE_CHOICE
                        + " per answer, an estimate (the files store no responses; RouteLLM's MMLU prompts end in "
                        + "'Answer:' and are scored on the chosen letter, so an answer is the letter plus a little "
                        + "framing); cost_usd = (input_tokens x input price + output_tokens x output price) / 1e6 with "
                        + "list prices: " + ListPrices.GPT4_SOURCE + "; " + ListPrices.MIXTRAL_SOURCE,
                ListPrices.routeLlm());
    }

    /** The subject files, sorted by name so ids and outcome order do not depend on the file system. */
    private static List<Path> subjectFiles(Path root) {
        Path dir = root.resolve(RELATIVE_DIR).normalize();
        List<Path> files = List.of();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(p -> {
                    String n = p.getFileName().toString();
                    return n.startsWith("mmlu_") && n.endsWith(".csv") && n.length() > "mmlu_.csv".length()
                            && Files.isRegularFile(p);
                }).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + dir + ": " + e, e);
            }
        }
        if (files.isEmpty()) {
            throw new MissingDataException(NAME + ": no mmlu_<subject>.csv files in " + dir + "; expected RouteLLM's "
                    + "MMLU outcome tables at " + RELATIVE_DIR + " under the datasets root " + root
                    + ". " + DataLocation.HOW_TO_SET);
        }
        return files;
    }

    private static Double bool(String value) {
        if (value == null) return null;
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> 1.0;
            case "false" -> 0.0;
            default -> null;
        };
    }

    private static String quote(String value) {
        return value == null ? "absent" : "'" + value + "'";
    }
}
