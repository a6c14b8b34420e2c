package dev.thinkroute.gateway.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.route.Cascade;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The judge model's part of a cascade: what it is asked, and how its reply changes the verdict. */
class CascadeJudgeModelTest {

    private static final String ANSWER = "She has 3 + 4 = <<3+4=7>>7 apples.\n#### 7";

    private static CascadeJudge.Verdict kept() {
        CascadeJudge.Verdict v = CascadeJudge.judge(List.of(ANSWER, ANSWER), Cascade.Checks.MATH);
        assertThat(v.keep()).isTrue();
        return v;
    }

    @Test
    void theJudgeIsAskedForYesOrNoAboutTheQuestionAndTheAnswer() {
        ObjectNode body = CascadeJudge.judgeRequest("How many apples?", ANSWER, false);
        assertThat(body.path("messages")).hasSize(2);
        assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(body.path("messages").get(1).path("content").asText())
                .contains("Question:\nHow many apples?").contains("Proposed answer:\n" + ANSWER).endsWith("Reply yes or no.");
        assertThat(body.path("temperature").asInt()).isZero();
        assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(8);
    }

    @Test
    void aThinkingJudgeGetsRoomToReasonAndNoTemperature() {
        ObjectNode body = CascadeJudge.judgeRequest("How many apples?", ANSWER, true);
        assertThat(body.has("temperature")).isFalse();
        assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(CascadeJudge.JUDGE_THINKING_TOKENS).isGreaterThan(1024);
        assertThat(body.has("max_tokens")).isFalse();
    }

    @Test
    void yesKeepsTheAnswerAndSaysWhoVouchedForIt() {
        CascadeJudge.Verdict v = CascadeJudge.withJudge(kept(), "judge-8b:off", "Yes.");
        assertThat(v.keep()).isTrue();
        assertThat(v.why()).endsWith("; judge-8b:off says it is correct");
        assertThat(v.signals()).containsEntry("judge", "yes").containsEntry("samples_agree", true);
    }

    @Test
    void noUnclearOrNoReplyEscalates() {
        CascadeJudge.Verdict no = CascadeJudge.withJudge(kept(), "judge-8b:off", " no, 7 is wrong");
        assertThat(no.keep()).isFalse();
        assertThat(no.why()).isEqualTo("judge-8b:off says the answer is wrong");
        assertThat(no.signals()).containsEntry("judge", "no");

        CascadeJudge.Verdict unclear = CascadeJudge.withJudge(kept(), "judge-8b:off", "It depends on the reading.");
        assertThat(unclear.keep()).isFalse();
        assertThat(unclear.why()).contains("gave no clear verdict ('It depends on the reading.')");
        assertThat(unclear.signals()).containsEntry("judge", "unclear");

        CascadeJudge.Verdict failed = CascadeJudge.withJudge(kept(), "judge-8b:off", null);
        assertThat(failed.keep()).isFalse();
        assertThat(failed.why()).isEqualTo("judge-8b:off could not be asked");
        assertThat(failed.signals()).containsEntry("judge", "failed");
    }

    @Test
    void aReplyOpeningWithPunctuationOrCaseIsStillRead() {
        assertThat(CascadeJudge.withJudge(kept(), "j:off", "**YES** - correct").keep()).isTrue();
        assertThat(CascadeJudge.withJudge(kept(), "j:off", "\"No\"").keep()).isFalse();
    }
}
