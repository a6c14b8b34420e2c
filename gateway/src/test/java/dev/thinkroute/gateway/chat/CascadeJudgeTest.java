package dev.thinkroute.gateway.chat;

import dev.thinkroute.core.route.Cascade;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static dev.thinkroute.core.route.Cascade.Checks.MATH;
import static dev.thinkroute.core.route.Cascade.Checks.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

/** The cascade's judge: when a cheap answer is kept, when it escalates, and the one line saying why. */
class CascadeJudgeTest {

    /** A GSM8K solution as the finetuned models write it: calculator annotations, then "#### answer". */
    static final String CLEAN = """
            Natalia sold 48/2 = <<48/2=24>>24 clips in May.
            Natalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.
            #### 72""";

    /** The same answer in other words, with an "A:" line instead of "####". */
    static final String CLEAN_OTHER_WORDS = """
            In May she sold half of 48, which is 48/2 = <<48/2=24>>24 clips.
            Together that is 48 + 24 = <<48+24=72>>72 clips.
            A: 72""";

    static CascadeJudge.Verdict judge(Cascade.Checks checks, String... answers) {
        return CascadeJudge.judge(Arrays.asList(answers), checks);
    }

    // ---- math checks ----

    @Test
    void twoAgreeingCleanSamplesAreKept() {
        CascadeJudge.Verdict v = judge(MATH, CLEAN, CLEAN_OTHER_WORDS);

        assertThat(v.keep()).isTrue();
        assertThat(v.why()).isEqualTo("2 cheap samples agree on '72' and the form checks pass");
        assertThat(v.signals()).containsEntry("final_answer", true).containsEntry("whole_number", true)
                .containsEntry("calculator_clean", true).containsEntry("answer_in_last_step", true)
                .containsEntry("samples_agree", true).containsEntry("answers", List.of("72", "72"));
    }

    @Test
    void threeAgreeingSamplesAreKept() {
        CascadeJudge.Verdict v = judge(MATH, CLEAN, CLEAN_OTHER_WORDS, CLEAN);

        assertThat(v.keep()).isTrue();
        assertThat(v.why()).startsWith("3 cheap samples agree on '72'");
    }

    @Test
    void samplesAgreeNumericallyNotByText() {
        CascadeJudge.Verdict v = judge(MATH, "She pays 12*100 = <<12*100=1200>>1200 dollars.\n#### 1,200",
                "12 * 100 = <<12*100=1200>>1200\n#### 1200");

        assertThat(v.keep()).as(v.why()).isTrue();
        assertThat(v.signals()).containsEntry("samples_agree", true);
    }

    @Test
    void disagreeingSamplesEscalateAndTheReasonNamesBothAnswers() {
        CascadeJudge.Verdict v = judge(MATH, CLEAN, """
                Natalia sold 48/2 = <<48/2=24>>24 clips in May.
                She sold 48+24+2 = <<48+24+2=74>>74 clips.
                #### 74""");

        assertThat(v.keep()).isFalse();
        assertThat(v.why()).isEqualTo("the 2 cheap samples disagree ('72' vs '74')");
        assertThat(v.signals()).containsEntry("samples_agree", false).containsEntry("answers", List.of("72", "74"))
                .containsEntry("calculator_clean", true);
    }

    @Test
    void aThirdSampleThatDisagreesEscalates() {
        CascadeJudge.Verdict v = judge(MATH, CLEAN, CLEAN_OTHER_WORDS, "48 + 12 = <<48+12=60>>60\n#### 60");

        assertThat(v.keep()).isFalse();
        assertThat(v.why()).isEqualTo("the 3 cheap samples disagree ('72' vs '72' vs '60')");
    }

    @Test
    void aWrongCalculatorAnnotationEscalates() {
        CascadeJudge.Verdict v = judge(MATH, """
                Natalia sold 48/2 = <<48/2=25>>25 clips in May.
                Natalia sold 48+25 = <<48+25=73>>73 clips altogether.
                #### 73""", """
                Natalia sold 48/2 = <<48/2=25>>25 clips in May.
                Natalia sold 48+25 = <<48+25=73>>73 clips altogether.
                #### 73""");

        assertThat(v.keep()).isFalse();
        assertThat(v.why()).isEqualTo("a calculator annotation does not check out");
        assertThat(v.signals()).containsEntry("calculator_clean", false).containsEntry("samples_agree", true);
    }

    @Test
    void anAnnotationWhoseResultIsNotWhatFollowsEscalates() {
        CascadeJudge.Verdict v = judge(MATH, "She sold 48+24 = <<48+24=72>>70 clips.\n#### 70");

        assertThat(v.keep()).isFalse();
        assertThat(v.why()).isEqualTo("a calculator annotation does not check out");
    }

    @Test
    void aNonIntegerFinalAnswerEscalates() {
        CascadeJudge.Verdict v = judge(MATH, "Each gets 15/2 = <<15/2=7.5>>7.5 apples.\n#### 7.5",
                "Each gets 15/2 = <<15/2=7.5>>7.5 apples.\n#### 7.5");

        assertThat(v.keep()).isFalse();
        assertThat(v.why()).isEqualTo("final answer 7.5 is not a whole non-negative number");
        assertThat(v.signals()).containsEntry("final_answer", true).containsEntry("whole_number", false)
                .containsEntry("samples_agree", true);
    }

    @Test
    void aNegativeFinalAnswerEscalates() {
        CascadeJudge.Verdict v = judge(MATH, "He has 3-8 = <<3-8=-5>>-5 dollars left.\n#### -5");

        assertThat(v.keep()).isFalse();
        assertThat(v.why()).isEqualTo("final answer -5 is not a whole non-negative number");
    }

    @Test
    void aMissingFinalAnswerEscalates() {
        CascadeJudge.Verdict v = judge(MATH, "I am not sure how to solve this problem.", "I am not sure how to solve this problem.");

        assertThat(v.keep()).isFalse();
        assertThat(v.why()).startsWith("no numeric final answer");
        assertThat(v.signals()).containsEntry("final_answer", false).containsEntry("samples_agree", false);
        assertThat(v.signals().get("answers")).isEqualTo(Arrays.asList(null, null));
    }

    @Test
    void aFinalAnswerThatIsNotTheLastStepsResultEscalates() {
        CascadeJudge.Verdict v = judge(MATH, """
                Natalia sold 48/2 = <<48/2=24>>24 clips in May.
                So she sold many clips.
                A: 72""");

        assertThat(v.keep()).isFalse();
        assertThat(v.why()).isEqualTo("final answer is not the last step's result");
        assertThat(v.signals()).containsEntry("answer_in_last_step", false);
    }

    @Test
    void everyProblemIsListed() {
        CascadeJudge.Verdict v = judge(MATH, "15/2 = <<15/2=7>>7.5\n#### 7.5", "#### 8");

        assertThat(v.keep()).isFalse();
        assertThat(v.why()).isEqualTo("final answer 7.5 is not a whole non-negative number; "
                + "a calculator annotation does not check out; the 2 cheap samples disagree ('7.5' vs '8')");
    }

    @Test
    void oneSampleUsesTheFormChecksOnly() {
        CascadeJudge.Verdict kept = judge(MATH, CLEAN);

        assertThat(kept.keep()).isTrue();
        assertThat(kept.why()).isEqualTo("answer '72' and the form checks pass");
        assertThat(kept.signals()).doesNotContainKey("samples_agree").containsEntry("answers", List.of("72"));

        CascadeJudge.Verdict wrongForm = judge(MATH, "Natalia sold 48/2 = <<48/2=25>>25 clips.\n#### 25");
        assertThat(wrongForm.keep()).isFalse();
        assertThat(wrongForm.why()).isEqualTo("a calculator annotation does not check out");
    }

    @Test
    void aFailedExtraSampleEscalates() {
        CascadeJudge.Verdict v = judge(MATH, CLEAN, null);

        assertThat(v.keep()).isFalse();
        assertThat(v.why()).isEqualTo("the 2 cheap samples disagree ('72' vs no answer)");
        assertThat(v.signals()).containsEntry("samples_agree", false).containsEntry("answers", Arrays.asList("72", null));
    }

    @Test
    void aLongAnswerIsClippedInTheReason() {
        String long1 = "x".repeat(60);
        CascadeJudge.Verdict v = judge(TEXT, long1, "y");

        assertThat(v.why()).isEqualTo("the 2 cheap samples disagree ('" + "x".repeat(39) + "…' vs 'y')");
    }

    // ---- text checks ----

    @Test
    void textNormalisedAgreementIsKept() {
        CascadeJudge.Verdict v = judge(TEXT, "The Eiffel Tower.", "eiffel tower");

        assertThat(v.keep()).isTrue();
        assertThat(v.why()).isEqualTo("2 cheap samples agree on 'The Eiffel Tower.'");
        assertThat(v.signals()).containsEntry("final_answer", true).containsEntry("samples_agree", true)
                .containsEntry("answers", List.of("The Eiffel Tower.", "eiffel tower"))
                .doesNotContainKeys("calculator_clean", "whole_number");
    }

    @Test
    void textDifferentAnswersEscalate() {
        CascadeJudge.Verdict v = judge(TEXT, "The Eiffel Tower", "The Louvre");

        assertThat(v.keep()).isFalse();
        assertThat(v.why()).isEqualTo("the 2 cheap samples disagree ('The Eiffel Tower' vs 'The Louvre')");
    }

    @Test
    void textAnswerTagsAreRead() {
        CascadeJudge.Verdict v = judge(TEXT, "The capital of France is a city on the Seine. <answer>Paris</answer>",
                "Thinking about it briefly: <answer> paris. </answer>");

        assertThat(v.keep()).isTrue();
        assertThat(v.signals()).containsEntry("answers", List.of("Paris", "paris."));
        assertThat(v.why()).isEqualTo("2 cheap samples agree on 'Paris'");
    }

    @Test
    void textAnswerTagsThatDifferEscalateEvenWhenTheProseAgrees() {
        CascadeJudge.Verdict v = judge(TEXT, "France. <answer>Paris</answer>", "France. <answer>Lyon</answer>");

        assertThat(v.keep()).isFalse();
        assertThat(v.why()).isEqualTo("the 2 cheap samples disagree ('Paris' vs 'Lyon')");
    }

    @Test
    void textOneNonEmptyAnswerIsKept() {
        CascadeJudge.Verdict v = judge(TEXT, "Paris");

        assertThat(v.keep()).isTrue();
        assertThat(v.why()).isEqualTo("answer 'Paris'");
    }

    @Test
    void textEmptyAnswerEscalates() {
        CascadeJudge.Verdict v = judge(TEXT, "   \n");

        assertThat(v.keep()).isFalse();
        assertThat(v.why()).isEqualTo("empty answer");
        assertThat(v.signals()).containsEntry("final_answer", false);
    }

    @Test
    void textFailedExtraSampleEscalates() {
        CascadeJudge.Verdict v = judge(TEXT, "Paris", null);

        assertThat(v.keep()).isFalse();
        assertThat(v.why()).isEqualTo("the 2 cheap samples disagree ('Paris' vs no answer)");
    }
}
