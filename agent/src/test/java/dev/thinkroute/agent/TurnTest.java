package dev.thinkroute.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Reading one Router-R1 policy turn: the well-formed cases, and each malformed one with its defined outcome. */
class TurnTest {

    static final Set<String> MODELS = new LinkedHashSet<>(List.of("Qwen2.5-7B-Instruct", "LLaMA-3.1-70B-Instruct", "Mistral-7B-Instruct"));

    @Test
    void aSearchNamesAModelAndASubQuestion() {
        Turn t = Turn.parse("<think>I need the director first.</think>\n<search> LLaMA-3.1-70B-Instruct: Who directed Jaws? </search>", MODELS);
        assertThat(t).isEqualTo(new Turn.Search("I need the director first.", "LLaMA-3.1-70B-Instruct", "Who directed Jaws?", List.of()));
    }

    @Test
    void generationStoppedAtTheClosingTagStillReads() {
        // The orchestrator stops generation at </search>, so the closing tag is usually not in the text.
        Turn t = Turn.parse("<think>Ask the big one.</think><search> Mistral-7B-Instruct: When was Spielberg born?", MODELS);
        assertThat(t).isInstanceOfSatisfying(Turn.Search.class, s -> {
            assertThat(s.model()).isEqualTo("Mistral-7B-Instruct");
            assertThat(s.question()).isEqualTo("When was Spielberg born?");
            assertThat(s.repairs()).isEmpty();
        });
    }

    @Test
    void anAnswerEndsTheLoop() {
        Turn t = Turn.parse("<think>Both facts are in.</think><answer> Steven Spielberg </answer>", MODELS);
        assertThat(t).isEqualTo(new Turn.Answer("Both facts are in.", "Steven Spielberg", List.of()));
    }

    @Test
    void severalSearchesAskTheFirstAndSaySo() {
        Turn t = Turn.parse("<search> Qwen2.5-7B-Instruct: Who wrote Jaws? </search><search> Mistral-7B-Instruct: When? </search>", MODELS);
        assertThat(t).isInstanceOfSatisfying(Turn.Search.class, s -> {
            assertThat(s.model()).isEqualTo("Qwen2.5-7B-Instruct");
            assertThat(s.question()).isEqualTo("Who wrote Jaws?");
            assertThat(s.repairs()).containsExactly("2 searches in one turn; asked the first");
        });
    }

    @Test
    void anAnswerInsideTheThinkingIsTakenWhenNothingOutsideSaysOtherwise() {
        Turn t = Turn.parse("<think>So the answer is <answer>1975</answer></think>", MODELS);
        assertThat(t).isInstanceOfSatisfying(Turn.Answer.class, a -> {
            assertThat(a.answer()).isEqualTo("1975");
            assertThat(a.repairs()).containsExactly("the answer was inside <think>; taken as the answer");
        });
    }

    @Test
    void aModelNameInAnotherCaseOrWithATypoIsReadAsTheCandidate() {
        Turn lower = Turn.parse("<search> qwen2.5-7b-instruct: Who? </search>", MODELS);
        assertThat(lower).isInstanceOfSatisfying(Turn.Search.class, s -> {
            assertThat(s.model()).isEqualTo("Qwen2.5-7B-Instruct");
            assertThat(s.repairs()).containsExactly("model 'qwen2.5-7b-instruct' read as 'Qwen2.5-7B-Instruct'");
        });
        Turn typo = Turn.parse("<search> Mistral-7B-Instruc: Who? </search>", MODELS);
        assertThat(typo).isInstanceOfSatisfying(Turn.Search.class, s -> assertThat(s.model()).isEqualTo("Mistral-7B-Instruct"));
    }

    @Test
    void aNameWithOtherDigitsIsAnotherModelNotATypo() {
        // One edit away, but a different size: asking the 7B when the policy wanted a 72B (or an 8B) is not a repair.
        assertThat(Turn.parse("<search> Qwen2.5-72B-Instruct: Who? </search>", MODELS)).isInstanceOfSatisfying(Turn.Malformed.class,
                m -> assertThat(m.why()).startsWith("unknown model 'Qwen2.5-72B-Instruct'"));
        assertThat(Turn.parse("<search> Mistral-8B-Instruct: Who? </search>", MODELS)).isInstanceOf(Turn.Malformed.class);
        assertThat(Turn.parse("<search> LLaMA-3.1-70B-Instrct: Who? </search>", MODELS)).isInstanceOfSatisfying(Turn.Search.class,
                s -> assertThat(s.model()).isEqualTo("LLaMA-3.1-70B-Instruct"));
    }

    @Test
    void everyMalformedTurnSaysWhy() {
        assertThat(Turn.parse("I think it is 1975.", MODELS)).isInstanceOfSatisfying(Turn.Malformed.class,
                m -> assertThat(m.why()).isEqualTo("no <search> or <answer> in the turn"));
        assertThat(Turn.parse("<search> Who directed Jaws? </search>", MODELS)).isInstanceOfSatisfying(Turn.Malformed.class,
                m -> assertThat(m.why()).contains("names no model"));
        assertThat(Turn.parse("<search> GPT-9: Who? </search>", MODELS)).isInstanceOfSatisfying(Turn.Malformed.class,
                m -> assertThat(m.why()).isEqualTo("unknown model 'GPT-9'; the candidates are Qwen2.5-7B-Instruct, LLaMA-3.1-70B-Instruct, Mistral-7B-Instruct"));
        assertThat(Turn.parse("<search> Mistral-7B-Instruct:   </search>", MODELS)).isInstanceOfSatisfying(Turn.Malformed.class,
                m -> assertThat(m.why()).isEqualTo("the <search> for Mistral-7B-Instruct has no question"));
        assertThat(Turn.parse("<answer>  </answer>", MODELS)).isInstanceOfSatisfying(Turn.Malformed.class,
                m -> assertThat(m.why()).isEqualTo("the <answer> is empty"));
        assertThat(Turn.parse(null, MODELS)).isInstanceOf(Turn.Malformed.class);
    }

    @Test
    void anAnswerBeforeASearchWinsAndAnUnfinishedAnswerIsClosed() {
        Turn t = Turn.parse("<answer>1975</answer><search> Mistral-7B-Instruct: Sure? </search>", MODELS);
        assertThat(t).isInstanceOfSatisfying(Turn.Answer.class, a -> {
            assertThat(a.answer()).isEqualTo("1975");
            assertThat(a.repairs()).containsExactly("a <search> after the <answer> was ignored");
        });
        Turn open = Turn.parse("<think>done</think><answer>Steven Spielberg", MODELS);
        assertThat(open).isInstanceOfSatisfying(Turn.Answer.class, a -> {
            assertThat(a.answer()).isEqualTo("Steven Spielberg");
            assertThat(a.repairs()).containsExactly("closed the unfinished <answer>");
        });
    }
}
