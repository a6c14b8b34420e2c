package dev.thinkroute.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenEstimatorTest {

    @Test
    void emptyTextHasNoTokens() {
        assertThat(TokenEstimator.estimate(null)).isZero();
        assertThat(TokenEstimator.estimate("")).isZero();
    }

    @Test
    void commonWordsAndPunctuationCountOneTokenEach() {
        // 14 words (one of them split at the apostrophe into three pieces), 2 full stops.
        assertThat(TokenEstimator.estimate("Janet’s ducks lay 16 eggs per day. She eats three for breakfast every morning."))
                .isEqualTo(18);
        assertThat(TokenEstimator.estimate("16 - 3 = 13")).isEqualTo(5);
    }

    @Test
    void longWordsCostMoreThanOneToken() {
        assertThat(TokenEstimator.estimate(" internationalization")).isEqualTo(4);
    }

    @Test
    void longNumbersAreSplitInGroupsOfThreeDigits() {
        assertThat(TokenEstimator.estimate("1234567")).isEqualTo(3);
    }
}
