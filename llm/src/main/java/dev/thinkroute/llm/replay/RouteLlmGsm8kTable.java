package dev.thinkroute.llm.replay;

import dev.thinkroute.llm.data.CsvRecords;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * RouteLLM's recorded GSM8K outcomes (lm-sys/RouteLLM, Apache-2.0): the 1319 GSM8K test questions, each answered
 * by {@value #GPT4} and {@value #MIXTRAL}, with whether each answer was correct. Read from
 * {@code <data>/}{@value #RELATIVE_PATH} (see {@code routellm/SOURCE.md} in the datasets folder).
 *
 * <p>Columns, addressed by header name: {@code prompt}; one boolean column per model ({@code True}/{@code False},
 * any case: correct or not, recorded as score 1.0/0.0); one {@code <model>_response} text column per model. A row
 * that lacks a prompt, has a value other than true/false in a model column, lacks a response, has a different field
 * count from the header, or repeats an earlier prompt (after {@link OutcomeTable#normalisePrompt normalisation};
 * the first is kept) is skipped and listed in {@link #skipped()} as {@code file:line: why}, the line being where the
 * record starts. Blank lines are not records. A missing file, a missing header column or text that is not CSV (an
 * unclosed quote) fails the load.
 */
public final class RouteLlmGsm8kTable extends RecordedTable {

    /** The registry name. */
    public static final String NAME = "routellm-gsm8k";
    /** The file, relative to the datasets root. */
    public static final String RELATIVE_PATH = "routellm/routellm/evals/gsm8k/gsm8k_responses.csv";
    /** RouteLLM's strong model. */
    public static final String GPT4 = "gpt-4-1106-preview";
    /** RouteLLM's weak model. */
    public static final String MIXTRAL = "mistralai/Mixtral-8x7B-Instruct-v0.1";

    private static final List<String> MODELS = List.of(GPT4, MIXTRAL);
    private static final String PROMPT = "prompt";
    private static final String RESPONSE_SUFFIX = "_response";

    private final Path file;

    private RouteLlmGsm8kTable(Path file, List<String> prompts, Map<String, Map<String, RecordedAnswer>> answers, List<String> skipped) {
        super(NAME, MODELS, prompts, answers, skipped);
        this.file = file;
    }

    /**
     * Loads {@value #RELATIVE_PATH} under the datasets root.
     *
     * @throws MissingDataException when the file is not there (the message says what was expected and how to point
     *                              thinkroute at the data)
     * @throws UncheckedIOException when the file cannot be read or is not CSV with the expected header
     */
    public static RouteLlmGsm8kTable load(Path dataRoot) {
        Objects.requireNonNull(dataRoot, "dataRoot");
        Path csv = dataRoot.resolve(RELATIVE_PATH).toAbsolutePath().normalize();
        if (!Files.isRegularFile(csv)) {
            throw new MissingDataException(NAME + ": no file at " + csv + "; expected RouteLLM's GSM8K outcome table "
                    + "(gsm8k_responses.csv: columns " + expectedColumns() + ") at " + RELATIVE_PATH
                    + " under the datasets root " + dataRoot.toAbsolutePath().normalize()
                    + ". " + DataLocation.HOW_TO_SET);
        }
        return loadFile(csv);
    }

    /** Loads a file in RouteLLM's GSM8K layout from an explicit path (tests, or a copy kept elsewhere). */
    public static RouteLlmGsm8kTable loadFile(Path csv) {
        Objects.requireNonNull(csv, "csv");
        if (!Files.isRegularFile(csv)) {
            throw new MissingDataException(NAME + ": no file at " + csv + "; expected RouteLLM's gsm8k_responses.csv "
                    + "(columns " + expectedColumns() + ").");
        }
        // The header is matched by name, so column order does not matter; a row with too many or too few fields is
        // reported instead of failing the whole load.
        CsvRecords csvFile = CsvRecords.read(csv);
        List<String> header = csvFile.header();
        // In expectedColumnList() order: the prompt, each model's verdict, each model's response.
        int[] cols = csvFile.require(expectedColumnList());
        int promptCol = cols[0];
        int[] scoreCol = new int[MODELS.size()];
        int[] textCol = new int[MODELS.size()];
        for (int m = 0; m < MODELS.size(); m++) {
            scoreCol[m] = cols[1 + m];
            textCol[m] = cols[1 + MODELS.size() + m];
        }

        List<String> prompts = new ArrayList<>();
        Map<String, Map<String, RecordedAnswer>> answers = new LinkedHashMap<>();
        Map<String, Long> firstLine = new HashMap<>();
        List<String> skipped = new ArrayList<>();
        for (CsvRecords.Row next : csvFile.rows()) {
            long line = next.line();
            List<String> row = next.fields();
            List<String> why = new ArrayList<>();
            if (row.size() != header.size()) {
                why.add("has " + row.size() + " field(s), the header has " + header.size());
            }
            String prompt = field(row, promptCol);
            if (prompt == null || prompt.isBlank()) why.add("missing prompt");
            Map<String, RecordedAnswer> perModel = new LinkedHashMap<>();
            for (int m = 0; m < MODELS.size(); m++) {
                String model = MODELS.get(m);
                Double score = parseBool(field(row, scoreCol[m]));
                if (score == null) {
                    why.add("column '" + model + "' is " + quote(field(row, scoreCol[m])) + ", expected True or False");
                }
                String text = field(row, textCol[m]);
                if (text == null || text.isBlank()) why.add("missing " + model + RESPONSE_SUFFIX);
                if (score != null && text != null && !text.isBlank()) perModel.put(model, new RecordedAnswer(text, score));
            }
            if (why.isEmpty()) {
                String key = PromptText.normalise(prompt);
                Long first = firstLine.putIfAbsent(key, line);
                if (first != null) {
                    why.add("duplicate prompt, first on line " + first + " (kept the first)");
                } else {
                    prompts.add(prompt);
                    answers.put(key, perModel);
                }
            }
            if (!why.isEmpty()) skipped.add(csv + ":" + line + ": " + String.join("; ", why));
        }
        return new RouteLlmGsm8kTable(csv, prompts, answers, skipped);
    }

    /** The file this table was read from. */
    public Path file() {
        return file;
    }

    @Override
    public String toString() {
        return NAME + " (" + size() + " prompts, " + skipped().size() + " skipped, from " + file + ")";
    }

    private static String field(List<String> row, int index) {
        return index < row.size() ? row.get(index) : null;
    }

    private static Double parseBool(String value) {
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

    private static List<String> expectedColumnList() {
        List<String> cols = new ArrayList<>();
        cols.add(PROMPT);
        cols.addAll(MODELS);
        for (String m : MODELS) cols.add(m + RESPONSE_SUFFIX);
        return cols;
    }

    private static String expectedColumns() {
        return String.join(", ", expectedColumnList());
    }
}
