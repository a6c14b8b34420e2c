package dev.thinkroute.eval.thinking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thinkroute.core.score.JudgeFeatures;
import dev.thinkroute.learn.outcome.importer.RouteLlmGsm8kImporter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The cheap answers of OpenAI's GSM8K solutions file, read as {@link JudgeFeatures} for the offline study. */
public final class Gsm8kSolutions {

    private Gsm8kSolutions() {
    }

    /**
     * The features of every row of OpenAI's {@code example_model_solutions.jsonl}, keyed by the importer's query id
     * ({@code gsm8k-0000}… by line order).
     *
     * @param cheapKey  the system whose answer is judged, e.g. {@code 175b_finetuning}
     * @param secondKey the system giving the second cheap sample, e.g. {@code 6b_finetuning}, or {@code null}
     */
    public static Map<String, JudgeFeatures> load(Path file, String cheapKey, String secondKey) {
        ObjectMapper json = new ObjectMapper();
        Map<String, JudgeFeatures> out = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) continue;
                JsonNode rec = json.readTree(line);
                String cheap = solution(rec, cheapKey, file, n);
                String second = secondKey == null ? null : solution(rec, secondKey, file, n);
                out.put(RouteLlmGsm8kImporter.queryId(n), JudgeFeatures.of(cheap, second));
                n++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static String solution(JsonNode rec, String key, Path file, int n) {
        JsonNode s = rec.path(key).path("solution");
        if (!s.isTextual()) throw new IllegalArgumentException(file + " row " + (n + 1) + ": no " + key + ".solution string");
        return s.asText();
    }
}
