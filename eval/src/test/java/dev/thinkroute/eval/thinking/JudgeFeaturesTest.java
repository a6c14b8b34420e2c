package dev.thinkroute.eval.thinking;

import dev.thinkroute.core.score.JudgeFeatures;
import dev.thinkroute.llm.replay.DataLocation;
import dev.thinkroute.learn.outcome.importer.OpenAiGsm8kImporter;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JudgeFeaturesTest {

    private static final String GOOD = "Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\nShe makes 9 * 2 = $<<9*2=18>>18 every day.\nA: 18";

    @Test
    void readsTheFinalAnswerAndFormChecks() {
        JudgeFeatures f = JudgeFeatures.of(GOOD, null);
        assertThat(f.answer()).isEqualTo("18");
        assertThat(f.marked()).isTrue();
        assertThat(f.numeric()).isTrue();
        assertThat(f.integer()).isTrue();
        assertThat(f.answerInLastStep()).isTrue();
        assertThat(f.steps()).isEqualTo(2);
        assertThat(f.formOk()).isTrue();
        assertThat(f.agree()).isFalse(); // no second sample
    }

    @Test
    void anAnswerNotInTheLastStepFailsTheFormCheck() {
        JudgeFeatures f = JudgeFeatures.of("She makes 9 * 2 = $<<9*2=18>>18 every day.\nA: 20", null);
        assertThat(f.answerInLastStep()).isFalse();
        assertThat(f.formOk()).isFalse();
    }

    @Test
    void nonIntegerAndUnmarkedAnswers() {
        JudgeFeatures f = JudgeFeatures.of("Each gets 10/4 = <<10/4=2.5>>2.5\nA: 2.5", null);
        assertThat(f.numeric()).isTrue();
        assertThat(f.integer()).isFalse();
        JudgeFeatures g = JudgeFeatures.of("She makes 9 * 2 = $<<9*2=18>>18 every day", null);
        assertThat(g.marked()).isFalse();
        assertThat(g.answer()).isEqualTo("18");
        assertThat(JudgeFeatures.of("I do not know", null).numeric()).isFalse();
    }

    @Test
    void agreementComparesTheFinalAnswersAsNumbers() {
        String a = "So it increased by 80,000+50,000=$<<80000+50000=130000>>130,000\nA: 90,000";
        String b = "The profit is 130000-40000=<<130000-40000=90000>>90000\nA: 90000";
        String c = "The profit is 130000-70000=<<130000-70000=60000>>60000\nA: 60000";
        assertThat(JudgeFeatures.of(a, b).agree()).isTrue();
        assertThat(JudgeFeatures.of(a, c).agree()).isFalse();
        assertThat(JudgeFeatures.of(a, c).secondAnswer()).isEqualTo("60000");
        assertThat(JudgeFeatures.of(a, b).vector(true)).hasSize(JudgeFeatures.names(true).size());
        assertThat(JudgeFeatures.of(a, b).vector(true)[11]).isEqualTo(1.0);
    }

    @Test
    void loadsTheFeaturesOfEveryRowOfTheRealFile() {
        Path file = DataLocation.resolve((Path) null).root().resolve(OpenAiGsm8kImporter.RELATIVE_PATH);
        assertThat(Files.exists(file)).as(file.toString()).isTrue();
        Map<String, JudgeFeatures> f = Gsm8kSolutions.load(file, "175b_finetuning", "6b_finetuning");
        assertThat(f).hasSize(1319);
        assertThat(f).containsKeys("gsm8k-0000", "gsm8k-1318");
        assertThat(f.values()).allSatisfy(v -> assertThat(v.vector(true)).hasSize(14));
        // Nearly every answer is stated on an "A:" line and numeric; agreement is neither rare nor universal.
        assertThat(f.values().stream().filter(JudgeFeatures::numeric).count()).isGreaterThan(1300);
        long agree = f.values().stream().filter(JudgeFeatures::agree).count();
        assertThat(agree).isBetween(100L, 600L);
        // Question 3: the 175B calculator result 19500 is followed by 195,000.
        assertThat(f.get("gsm8k-0002").calc().resultMismatches()).isPositive();
    }
}
