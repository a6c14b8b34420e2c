package dev.thinkroute.learn.outcome.importer;

import dev.thinkroute.core.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each importer on small hand-made tables: every bad or unjoinable row is skipped and named {@code file:line: why}. */
class BadRowsTest {

    @TempDir
    Path root;

    private Path put(String relative, String text) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text);
    }

    @Test
    void routeLlmGsm8kReportsTheRowsItsTableSkips() throws IOException {
        Path csv = put("routellm/routellm/evals/gsm8k/gsm8k_responses.csv", """
                prompt,mistralai/Mixtral-8x7B-Instruct-v0.1,gpt-4-1106-preview,mistralai/Mixtral-8x7B-Instruct-v0.1_response,gpt-4-1106-preview_response
                What is 1+1?,True,True,It is 2.,2
                What is 2+2?,maybe,True,4,4
                What is 3+3?,False,True,5,6
                """);

        ImportResult r = new RouteLlmGsm8kImporter().run(root);

        assertThat(r.skipped()).containsExactly(csv + ":3: column 'mistralai/Mixtral-8x7B-Instruct-v0.1' is 'maybe', expected True or False");
        assertThat(r.queryCount()).isEqualTo(2);
        assertThat(r.provenance().rowsRead()).isEqualTo(3);
        assertThat(r.provenance().rowsSkipped()).isEqualTo(1);
    }

    @Test
    void routeLlmMmluSkipsBadRowsAndKeepsRowNumbersInIds() throws IOException {
        Path csv = put("routellm/routellm/evals/mmlu/responses/mmlu_toy_subject.csv", """
                prompt,mistralai/Mixtral-8x7B-Instruct-v0.1,gpt-4-1106-preview
                "Q1
                A. x
                Answer:",True,False
                Q2,maybe,True
                ,True,True
                Q4,True,True,extra
                Q5,false,TRUE
                """);

        ImportResult r = new RouteLlmMmluImporter().run(root);

        assertThat(r.skipped()).containsExactly(
                csv + ":5: column 'mistralai/Mixtral-8x7B-Instruct-v0.1' is 'maybe', expected True or False",
                csv + ":6: missing prompt",
                csv + ":7: has 4 field(s), the header has 3");
        assertThat(r.outcomes()).extracting(Outcome::queryId)
                .containsExactly("mmlu-toy_subject-0000", "mmlu-toy_subject-0000", "mmlu-toy_subject-0004", "mmlu-toy_subject-0004");
        assertThat(r.outcomes()).extracting(Outcome::score).containsExactly(1.0, 0.0, 0.0, 1.0);
        assertThat(r.provenance().rowsRead()).isEqualTo(5);
    }

    @Test
    void routeLlmMmluFailsOnAHeaderWithoutTheModelColumns() throws IOException {
        Path csv = put("routellm/routellm/evals/mmlu/responses/mmlu_x.csv", "prompt,gpt-4-1106-preview\nQ,True\n");

        assertThatThrownBy(() -> new RouteLlmMmluImporter().run(root))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(csv + ":1: header lacks column(s) mistralai/Mixtral-8x7B-Instruct-v0.1");
    }

    private static final String MODELS_JSON_SCORES =
            "\"qwen2.5-7b-instruct\": 1, \"llama3-chatqa-1.5-8b\": 0, \"llama-3.1-nemotron-51b-instruct\": 1, "
                    + "\"llama3-chatqa-1.5-70b\": 0, \"mistral-7b-instruct-v0.3\": 0.5, \"gemma-2-9b-it\": 1, "
                    + "\"codegemma-7b\": 0, \"llama-3.1-8b-instruct\": 0, \"llama-3.3-nemotron-super-49b-v1\": 1";

    private void dcRouterTables(String trainJson) throws IOException {
        StringBuilder llms = new StringBuilder("{");
        for (String m : LlmRouterDcImporter.MODELS) {
            if (llms.length() > 1) llms.append(',');
            llms.append('"').append(m).append("\": {\"input_price\": 0.2, \"output_price\": 0.3}");
        }
        put("llmrouter/data/example_data/llm_candidates/default_llm.json", llms.append('}').toString());
        put("llmrouter/data/example_data/query_data/default_query_train.jsonl", """
                {"task_name": "gsm8k", "query": "Q one", "metric": "GSM8K"}
                not json
                {"task_name": "mmlu", "query": "Q two", "metric": "em_mc"}
                {"task_name": "openbook_qa", "query": "Q two", "metric": "em_mc"}
                {"task_name": "mmlu", "metric": "em_mc"}
                """);
        put("llmrouter/data/example_data/query_data/default_query_test.jsonl", """
                {"task_name": "trivia_qa", "query": "Q three", "metric": "f1_score"}
                """);
        put("llmrouter/data/dcrouter_preprocessed/train.json", trainJson);
        put("llmrouter/data/dcrouter_preprocessed/test.json",
                "[\n  {\"question\": \"Q three\", \"scores\": {" + MODELS_JSON_SCORES + "}}\n]\n");
    }

    @Test
    void dcRouterReportsUnjoinableAndBadRecordsAndBadQueryLines() throws IOException {
        String good = "{\"question\": \"Q one\", \"scores\": {" + MODELS_JSON_SCORES + "}}";
        dcRouterTables("[\n  " + good + ",\n"
                + "  {\"question\": \"Q unknown\", \"scores\": {" + MODELS_JSON_SCORES + "}},\n"
                + "  {\"question\": \"Q two\", \"scores\": {" + MODELS_JSON_SCORES.replace("\"gemma-2-9b-it\": 1", "\"gemma-2-9b-it\": 7") + "}},\n"
                + "  {\"question\": \"Q two\", \"scores\": {" + MODELS_JSON_SCORES.replace(", \"codegemma-7b\": 0", "") + "}},\n"
                + "  " + good + "\n]\n");

        ImportResult r = new LlmRouterDcImporter().run(root);

        Path train = root.resolve("llmrouter/data/dcrouter_preprocessed/train.json");
        Path queries = root.resolve("llmrouter/data/example_data/query_data/default_query_train.jsonl");
        assertThat(r.skipped()).containsExactly(
                queries + ":2: not valid JSON: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
                queries + ":5: query must be a non-empty string, got absent",
                train + ":3: question not found in default_query_train.jsonl (joined on question == query)",
                train + ":4: score of gemma-2-9b-it must be a number in [0, 1], got number 7",
                train + ":5: no score for codegemma-7b",
                train + ":6: repeats an earlier question of this file (kept the first)");
        assertThat(r.outcomes()).extracting(Outcome::queryId).containsOnly("train-gsm8k-0000", "test-trivia_qa-0000");
        assertThat(r.outcomes()).filteredOn(o -> o.model().equals("mistral-7b-instruct-v0.3")).extracting(Outcome::score)
                .containsExactly(0.5, 0.5);
        assertThat(r.provenance().notes()).anySatisfy(n -> assertThat(n)
                .contains("1 quer(ies) are listed under two tasks").contains("mmlu (line 3)").contains("openbook_qa (line 4)"));
    }

    @Test
    void dcRouterFailsWhenAModelHasNoPrice() throws IOException {
        dcRouterTables("[]");
        put("llmrouter/data/example_data/llm_candidates/default_llm.json", "{\"qwen2.5-7b-instruct\": {\"input_price\": 0.2, \"output_price\": 0.2}}");

        assertThatThrownBy(() -> new LlmRouterDcImporter().run(root))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("default_llm.json: no numeric input_price/output_price")
                .hasMessageContaining("gemma-2-9b-it");
    }

    @Test
    void nqReportsRecordsWhoseListsDoNotLineUp() throws IOException {
        Path file = put("llmrouter/nq_history/router_train_data_nq.json", """
                [
                  {"q_id": 0, "query": "who?", "llm_name_list": ["qwen/qwen2.5-7b-instruct", "google/gemma-2-27b-it"],
                   "response_list": ["a", "b"], "cost_list": [3.0, 8.0], "perf_list": [1.0, 0.0]},
                  {"q_id": 1, "query": "what?", "llm_name_list": ["qwen/qwen2.5-7b-instruct"],
                   "response_list": ["a", "b"], "cost_list": [3.0], "perf_list": [1.0]},
                  {"q_id": 0, "query": "again?", "llm_name_list": ["qwen/qwen2.5-7b-instruct"],
                   "response_list": ["a"], "cost_list": [-3.0], "perf_list": [1.5]},
                  {"q_id": 3, "query": "new model?", "llm_name_list": ["acme/unknown-1b"],
                   "response_list": ["one two three"], "cost_list": [7.0], "perf_list": [0.25]}
                ]
                """);

        ImportResult r = new LlmRouterNqImporter().run(root);

        assertThat(r.skipped()).containsExactly(
                file + ":4: response_list has 2 entries, llm_name_list has 1",
                file + ":6: q_id 0 repeats an earlier record (kept the first); cost_list[0] must be a number >= 0, "
                        + "got number -3.0; perf_list[0] must be a number in [0, 1], got number 1.5");
        assertThat(r.outcomes()).extracting(Outcome::queryId).containsExactly("nq-0000", "nq-0000", "nq-0003");
        Outcome gemma = r.outcomes().get(1);
        assertThat(gemma.outputTokens()).isEqualTo(10); // 8.0 micro-USD at $0.80 / 1M
        assertThat(gemma.costUsd()).isEqualTo(8.0e-6);
        Outcome unknown = r.outcomes().get(2);
        assertThat(unknown.outputTokens()).isEqualTo(3); // no implied price: estimated from "one two three"
        assertThat(unknown.costUsd()).isEqualTo(7.0e-6);
        assertThat(r.provenance().notes()).anySatisfy(n -> assertThat(n).contains("no implied price for [acme/unknown-1b]"));
    }

    @Test
    void openAiGsm8kReportsBadLines() throws IOException {
        String sys = "{\"is_correct\": true, \"solution\": \"2 + 2 = 4\\nA: 4\"}";
        String good = "{\"question\": \"What is 2+2?\", \"6b_finetuning\": " + sys + ", \"6b_verification\": " + sys
                + ", \"175b_finetuning\": " + sys + ", \"175b_verification\": " + sys + "}";
        Path file = put("gsm8k_openai/example_model_solutions.jsonl", good + "\n"
                + "{\"question\": \"x\"\n"
                + good.replace("\"6b_verification\": {\"is_correct\": true", "\"6b_verification\": {\"is_correct\": \"yes\"") + "\n"
                + "\n"
                + good + "\n");

        ImportResult r = new OpenAiGsm8kImporter().run(root);

        assertThat(r.skipped()).hasSize(2);
        assertThat(r.skipped().get(0)).startsWith(file + ":2: not valid JSON");
        assertThat(r.skipped().get(1)).isEqualTo(file + ":3: 6b_verification.is_correct must be true or false, got string \"yes\"");
        // ids follow the record order, skipped records included, so they match RouteLLM's gsm8k-NNNN
        assertThat(r.outcomes()).extracting(Outcome::queryId).containsOnly("gsm8k-0000", "gsm8k-0003");
        assertThat(r.outcomes()).hasSize(8);
    }
}
