package dev.thinkroute.llm.replay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;

import static dev.thinkroute.llm.replay.RouteLlmGsm8kTable.GPT4;
import static dev.thinkroute.llm.replay.RouteLlmGsm8kTable.MIXTRAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouteLlmGsm8kTableTest {

    @TempDir
    Path tmp;

    // --- the real recording (routellm/SOURCE.md) ---

    @Test
    void loadsEveryRowOfTheRealFile() {
        OutcomeTable table = Tables.gsm8k();
        assertThat(table.name()).isEqualTo("routellm-gsm8k");
        assertThat(table.models()).containsExactly(GPT4, MIXTRAL);
        assertThat(table.skipped()).isEmpty();
        assertThat(table.size()).isEqualTo(1319);
        assertThat(table.prompts()).hasSize(1319).first().isEqualTo(Tables.JANET);
    }

    @Test
    void janetsDucksAreRecordedForBothModels() {
        OutcomeTable table = Tables.gsm8k();
        RecordedAnswer gpt4 = table.lookup(GPT4, Tables.JANET).orElseThrow();
        RecordedAnswer mixtral = table.lookup(MIXTRAL, Tables.JANET).orElseThrow();
        assertThat(gpt4.score()).isEqualTo(1.0);
        assertThat(mixtral.score()).isEqualTo(1.0);
        assertThat(gpt4.text()).startsWith("Janet uses 3 eggs for breakfast and 4 for baking muffins, which totals "
                + "3 + 4 = 7 eggs used daily.\nShe lays 16 eggs per day, so the remainder that she sells is 1");
        // Kept verbatim, leading space included, as SOURCE.md shows it.
        assertThat(mixtral.text()).startsWith(" Janet starts with 16 eggs per day.\nShe eats 3 for breakfast, so she "
                + "has 16 - 3 = 13 eggs left.\nShe uses 4 for baking").contains("#### 18");
    }

    @Test
    void accuracyPerModelMatchesTheSource() {
        OutcomeTable table = Tables.gsm8k();
        long gpt4 = 0, mixtral = 0;
        for (String prompt : table.prompts()) {
            gpt4 += Math.round(table.lookup(GPT4, prompt).orElseThrow().score());
            mixtral += Math.round(table.lookup(MIXTRAL, prompt).orElseThrow().score());
        }
        assertThat(gpt4).isEqualTo(1130);
        assertThat(mixtral).isEqualTo(842);
    }

    @Test
    void whitespaceVariantsOfAPromptStillMatch() {
        OutcomeTable table = Tables.gsm8k();
        String variant = "\n  " + Tables.JANET.replace(" She eats", "\n\nShe\t eats").replace("16 eggs", "16\u00A0 eggs") + "  \n";
        assertThat(table.lookup(GPT4, variant)).contains(table.lookup(GPT4, Tables.JANET).orElseThrow());
    }

    @Test
    void otherTextDoesNotMatch() {
        OutcomeTable table = Tables.gsm8k();
        assertThat(table.lookup(GPT4, Tables.JANET.replace('’', '\''))).isEmpty();
        assertThat(table.lookup(GPT4, Tables.JANET.toLowerCase())).isEmpty();
        assertThat(table.lookup(GPT4, "What is the capital of France?")).isEmpty();
    }

    @Test
    void anUnknownModelIsAnError() {
        assertThatThrownBy(() -> Tables.gsm8k().lookup("gpt-5", Tables.JANET))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gpt-5")
                .hasMessageContaining(GPT4)
                .hasMessageContaining(MIXTRAL);
    }

    // --- small files ---

    @Test
    void badRowsAreSkippedAndReportedWithFileLineAndReason() throws IOException {
        Path csv = tmp.resolve("gsm8k_responses.csv");
        Files.writeString(csv, Tables.HEADER
                + "What is 1+1?,True,False,\"two\nlines\",2\n"        // lines 2-3
                + ",True,True,a,b\n"                                 // 4: missing prompt
                + "Bad bool,maybe,True,a,b\n"                        // 5
                + "  What is   1+1?,True,True,x,y\n"                 // 6: duplicate of line 2
                + "No response,True,True,,b\n"                       // 7
                + "Short row,True\n"                                 // 8
                + "Long row,True,True,a,b,extra\n"                   // 9
                + "\n"                                               // 10: blank, not a record
                + "Fine,FALSE,true,\"m, with comma\",g\n");          // 11
        RouteLlmGsm8kTable table = RouteLlmGsm8kTable.loadFile(csv);

        assertThat(table.size()).isEqualTo(2);
        assertThat(table.prompts()).containsExactly("What is 1+1?", "Fine");
        assertThat(table.lookup(MIXTRAL, "What is 1+1?")).contains(new RecordedAnswer("two\nlines", 1.0));
        assertThat(table.lookup(GPT4, "What is 1+1?")).contains(new RecordedAnswer("2", 0.0));
        assertThat(table.lookup(MIXTRAL, "Fine")).contains(new RecordedAnswer("m, with comma", 0.0));
        assertThat(table.skipped()).containsExactly(
                csv + ":4: missing prompt",
                csv + ":5: column '" + MIXTRAL + "' is 'maybe', expected True or False",
                csv + ":6: duplicate prompt, first on line 2 (kept the first)",
                csv + ":7: missing " + MIXTRAL + "_response",
                csv + ":8: has 2 field(s), the header has 5; column '" + GPT4 + "' is absent, expected True or False; "
                        + "missing " + GPT4 + "_response; missing " + MIXTRAL + "_response",
                csv + ":9: has 6 field(s), the header has 5");
    }

    @Test
    void promptsMatchAcrossUnicodeNormalForms() throws IOException {
        String composed = Normalizer.normalize("Is a café open?", Normalizer.Form.NFC);
        String decomposed = Normalizer.normalize(composed, Normalizer.Form.NFD);
        assertThat(decomposed).isNotEqualTo(composed);
        Path csv = tmp.resolve("t.csv");
        Files.writeString(csv, Tables.HEADER + decomposed + ",True,False,yes,no\n");
        RouteLlmGsm8kTable table = RouteLlmGsm8kTable.loadFile(csv);
        assertThat(table.lookup(GPT4, composed)).contains(new RecordedAnswer("no", 0.0));
    }

    @Test
    void columnsAreFoundByNameInAnyOrder() throws IOException {
        Path csv = tmp.resolve("t.csv");
        Files.writeString(csv, "\uFEFFgpt-4-1106-preview_response,prompt,gpt-4-1106-preview,"
                + "mistralai/Mixtral-8x7B-Instruct-v0.1_response,mistralai/Mixtral-8x7B-Instruct-v0.1\n"
                + "g,Q,True,m,False\n");
        RouteLlmGsm8kTable table = RouteLlmGsm8kTable.loadFile(csv);
        assertThat(table.lookup(GPT4, "Q")).contains(new RecordedAnswer("g", 1.0));
        assertThat(table.lookup(MIXTRAL, "Q")).contains(new RecordedAnswer("m", 0.0));
    }

    @Test
    void aMissingHeaderColumnFailsTheLoad() throws IOException {
        Path csv = tmp.resolve("t.csv");
        Files.writeString(csv, "prompt,gpt-4-1106-preview,gpt-4-1106-preview_response\nQ,True,a\n");
        assertThatThrownBy(() -> RouteLlmGsm8kTable.loadFile(csv))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(csv + ":1: header lacks column(s) " + MIXTRAL + ", " + MIXTRAL + "_response");
    }

    @Test
    void anUnclosedQuoteFailsWithTheFile() throws IOException {
        Path csv = tmp.resolve("t.csv");
        Files.writeString(csv, Tables.HEADER + "Q,True,True,\"never closed,b\n");
        assertThatThrownBy(() -> RouteLlmGsm8kTable.loadFile(csv))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(csv.toString())
                .hasMessageContaining("not readable as CSV");
    }

    @Test
    void aMissingFileNamesThePathWhatWasExpectedAndHowToSetTheData() {
        assertThatThrownBy(() -> RouteLlmGsm8kTable.load(tmp))
                .isInstanceOf(MissingDataException.class)
                .hasMessageContaining(tmp.resolve(RouteLlmGsm8kTable.RELATIVE_PATH).toString())
                .hasMessageContaining("gsm8k_responses.csv")
                .hasMessageContaining("columns prompt, " + GPT4)
                .hasMessageContaining("--data")
                .hasMessageContaining("THINKROUTE_DATA");
    }

    @Test
    void normalisationIsDocumentedBehaviour() {
        assertThat(OutcomeTable.normalisePrompt("  a\t\tb\n\nc\u00A0 d  ")).isEqualTo("a b c d");
        assertThat(OutcomeTable.normalisePrompt(null)).isEmpty();
    }
}
