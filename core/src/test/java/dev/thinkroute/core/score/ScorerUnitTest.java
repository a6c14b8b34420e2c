package dev.thinkroute.core.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Hand-picked cases, most taken from MATH500 / GSM8K / NQ / HotpotQA answers. */
class ScorerUnitTest {

    private final Scorer math = Scorers.get("math");

    @ParameterizedTest(name = "[{index}] {0} == {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "\\boxed{\\frac{1}{2}}|0.5",
            "so it is $\\boxed{\\dfrac{17}{50}}$.|0.34",
            "\\boxed{\\frac12}|1/2",
            "\\boxed{\\frac 59}|\\frac{5}{9}",
            "\\boxed{\\frac9{19}}|\\frac{9}{19}",
            "\\boxed{\\frac{270}{7}}|\\frac{270}7\\text{ degrees}",
            "\\boxed{10080}|10,\\!080",
            "\\boxed{11111111100}|11,\\! 111,\\! 111,\\! 100",
            "The total is $32,348.|\\$32,\\!348",
            "\\boxed{864}|864 \\mbox{ inches}^2",
            "\\boxed{5.4}|5.4 \\text{ cents}",
            "\\boxed{90}|90^\\circ",
            "\\boxed{90^{\\circ}}|90",
            "\\boxed{-\\frac{35}{9}}|-\\frac{35}{9}",
            "\\boxed{\\frac{-35}{9}}|-\\frac{35}{9}",
            "\\boxed{x=5}|5",
            "\\boxed{B}|\\text{(B)}",
            "\\boxed{\\text{even}}|\\text{even}",
            "\\boxed{\\sqrt2 \\cdot 11}|\\sqrt{2}\\cdot11",
            "\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}|(3,\\frac{\\pi}{2})",
            "\\boxed{0.0000672}|.0000672",
            "\\boxed{25\\%}|25",
            "The answer is 18 dollars.|#### 18",
            "She makes $18.00 every day.|Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\\n#### 18",
            "Answer: 70,000|70000",
            "#### 1,000\\n|1000",
            "\\fbox{12}|12",
            "\\boxed{\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}}|\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}",
            "\\boxed{(3,4]}|(3,4]",
            "\\boxed{6-5i}|6 - 5i",
    })
    void mathEquivalences(String response, String gold) {
        Score s = math.score(response.replace("\\n", "\n"), List.of(gold.replace("\\n", "\n")));
        assertThat(s.parsed()).isTrue();
        assertThat(s.value()).as("%s vs %s (extracted %s)", response, gold, s.extracted()).isEqualTo(1.0);
    }

    @ParameterizedTest(name = "[{index}] {0} != {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "\\boxed{2}|2k",
            "\\boxed{6-5}|6-5i",
            "\\boxed{0.33}|\\frac{1}{3}",
            "\\boxed{-18}|18",
            "\\boxed{1,2}|12",
            "\\boxed{\\sqrt{3}}|\\sqrt{2}",
            "\\boxed{(3,4)}|(3,4]",
            "\\boxed{C}|\\text{(B)}",
    })
    void mathDifferences(String response, String gold) {
        assertThat(math.score(response, List.of(gold)).value()).isZero();
    }

    @Test
    void mathExtractionOrder() {
        // The last box wins even when a later number follows it (e.g. a check of the result).
        assertThat(MathScorer.extract("\\boxed{3} first, then \\boxed{\\frac{1}{\\sqrt{2}}}; check: 7")).isEqualTo("\\frac{1}{\\sqrt{2}}");
        assertThat(MathScorer.extract("work... #### 42\n")).isEqualTo("42");
        assertThat(MathScorer.extract("So the answer is: $\\frac{3}{4}$ of the cake.")).isEqualTo("\\frac{3}{4}");
        assertThat(MathScorer.extract("The profit is $155,000 - $130,000 = $25,000.")).isEqualTo("25,000");
        assertThat(MathScorer.extract("Truncated \\boxed{\\frac{1}{2")).isEqualTo("2"); // unbalanced box: fall back
        assertThat(math.score("I do not know.", List.of("5"))).isEqualTo(Score.unparsed());
        assertThat(math.score("", List.of("5")).parsed()).isFalse();
    }

    @Test
    void qaExactMatchAndF1() {
        Scorer em = Scorers.get("qa-em");
        Scorer f1 = Scorers.get("qa-f1");
        // NQ q_id 0, gold "March 9, 2018"
        assertThat(em.score("<answer>March 9, 2018</answer>", List.of("March 9, 2018")).value()).isEqualTo(1.0);
        assertThat(em.score("released on March 9, 2018", List.of("March 9, 2018")).value()).isZero();
        // pred tokens {released, on, march, 9, 2018} vs gold {march, 9, 2018}: P=3/5, R=1 -> F1=0.75
        assertThat(f1.score("released on March 9, 2018", List.of("March 9, 2018")).value()).isCloseTo(0.75, org.assertj.core.data.Offset.offset(1e-12));
        // NQ q_id 2: max over aliases; "The Elena Anaya." normalises to "elena anaya"
        assertThat(em.score("<answer> The Elena Anaya. </answer>", List.of("Spanish actress Elena Anaya", "Elena Anaya")).value()).isEqualTo(1.0);
        // gold "Spanish actress Elena Anaya" (4 tokens) vs "actress Elena Anaya": P=1, R=3/4 -> 6/7
        assertThat(f1.score("actress Elena Anaya", List.of("Spanish actress Elena Anaya")).value()).isCloseTo(6.0 / 7, org.assertj.core.data.Offset.offset(1e-12));
        // HotpotQA dev row 1: "yes"
        assertThat(em.score("Yes.", List.of("yes")).value()).isEqualTo(1.0);
        assertThat(em.score("   ", List.of("yes")).parsed()).isFalse();
        assertThat(f1.score("<answer> </answer>", List.of("yes")).parsed()).isFalse();
        assertThat(QaScorer.normalize("The  Quick, brown—fox's  A")).isEqualTo("quick brownfoxs");
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "Answer: B|B",
            "The answer is (C).|C",
            "B|B",
            "(D)|D",
            "E.|E",
            "$\\boxed{A}$|A",
            "\\boxed{\\text{(J)}}|J",
            "B. paralysis of the facial muscles.|B",
            "Neither (A) nor (B) fits; (C) does.|C",
            "I first thought the answer is A, but on reflection the answer is D.|D",
            "The correct answer is: **G**|G",
    })
    void choiceExtraction(String response, String letter) {
        assertThat(ChoiceScorer.extract(response)).isEqualTo(letter);
        assertThat(Scorers.get("choice").score(response, List.of(letter)).value()).isEqualTo(1.0);
        assertThat(Scorers.get("choice").score(response, List.of("(" + letter + ")")).value()).isEqualTo(1.0);
    }

    @Test
    void choiceUnparsedAndWrong() {
        Scorer choice = Scorers.get("choice");
        assertThat(choice.score("I am not sure about this one.", List.of("A"))).isEqualTo(Score.unparsed());
        assertThat(choice.score("", List.of("A")).parsed()).isFalse();
        assertThat(choice.score("Answer: C", List.of("A"))).isEqualTo(new Score(0, "C", true));
    }

    @Test
    void registry() {
        assertThat(Scorers.names()).containsExactly("math", "qa-em", "qa-f1", "choice");
        for (String n : Scorers.names()) assertThat(Scorers.get(n).name()).isEqualTo(n);
        assertThatThrownBy(() -> Scorers.get("bleu"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bleu").hasMessageContaining("math, qa-em, qa-f1, choice");
    }
}
