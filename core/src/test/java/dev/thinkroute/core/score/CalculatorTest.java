package dev.thinkroute.core.score;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CalculatorTest {

    @Test
    void aCorrectAnnotationChecksOut() {
        Calculator.Check c = Calculator.check("Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\nShe makes 9 * 2 = $<<9*2=18>>18 every day.\nA: 18");
        assertThat(c).isEqualTo(new Calculator.Check(2, 0, 0, 0, 0));
        assertThat(c.clean()).isTrue();
    }

    @Test
    void wrongArithmeticIsAnError() {
        Calculator.Check c = Calculator.check("so she has 16 - 3 = <<16-3=12>>12 eggs left\nA: 12");
        assertThat(c.arithmeticErrors()).isEqualTo(1);
        assertThat(c.resultMismatches()).isZero();
        assertThat(c.clean()).isFalse();
    }

    @Test
    void aResultThatDiffersFromTheClaimIsAMismatch() {
        // From the real 175B answer to question 3: the calculator said 19500, the text went on with 195,000.
        Calculator.Check c = Calculator.check("worth 130,000*.15 = $<<130000*.15=19500.0>>195,000\nA: 195000");
        assertThat(c.arithmeticErrors()).isZero();
        assertThat(c.resultMismatches()).isEqualTo(1);
    }

    @Test
    void aMissingResultIsCounted() {
        Calculator.Check c = Calculator.check("she has 16 - 3 = <<16-3=13>> eggs left");
        assertThat(c.missingResults()).isEqualTo(1);
        assertThat(c.clean()).isFalse();
    }

    @Test
    void divisionPercentAndDecimals() {
        assertThat(Calculator.check("It takes 2*1/2=<<2*1/2=1.0>>1 bolt").clean()).isTrue();
        assertThat(Calculator.check("100/3 = <<100/3=33.33>>33.33 each").clean()).isTrue();
        assertThat(Calculator.check("100/3 = <<100/3=33>>33 each").arithmeticErrors()).isEqualTo(1);
        assertThat(Calculator.check("half of 8 is <<.5*8=4>>4").clean()).isTrue();
        assertThat(Calculator.check("50% of 20 is <<50%*20=10>>10").clean()).isTrue();
        assertThat(Calculator.check("130,000*150% = $<<130000*150*.01=195000.0>>195,000").clean()).isTrue();
        assertThat(Calculator.check("the loss is 975-130,000 = $<<975-130000=-129025>>-129025").clean()).isTrue();
        assertThat(Calculator.check("3.5 rounded: <<7/2=3.5>>3.50").clean()).isTrue();
        assertThat(Calculator.check("<<(2+3)*4=20>>20 and <<2^3=8>>8 and <<2**3=8>>8").clean()).isTrue();
    }

    @Test
    void anExpressionOutsideTheGrammarIsUnparsableNotWrong() {
        Calculator.Check c = Calculator.check("<<x+1=3>>3 and <<4/0=0>>0");
        assertThat(c.unparsable()).isEqualTo(2);
        assertThat(c.arithmeticErrors()).isZero();
    }

    @Test
    void evaluatesArithmetic() {
        assertThat(Calculator.evaluate("16-3-4")).isEqualTo(9);
        assertThat(Calculator.evaluate("2+3*4")).isEqualTo(14);
        assertThat(Calculator.evaluate("-(2+3)*4")).isEqualTo(-20);
        assertThat(Calculator.evaluate("1,000/4")).isEqualTo(250);
        assertThat(Calculator.evaluate("10/4")).isCloseTo(2.5, within(1e-12));
        assertThat(Calculator.evaluate("2*")).isNaN();
        assertThat(Calculator.evaluate("abc")).isNaN();
    }

    @Test
    void matchesAtTheWrittenPrecision() {
        assertThat(Calculator.matches(100.0 / 3, "33.33")).isTrue();
        assertThat(Calculator.matches(100.0 / 3, "33.3")).isTrue();
        assertThat(Calculator.matches(100.0 / 3, "33")).isFalse();
        assertThat(Calculator.matches(19500, "19500.0")).isTrue();
        assertThat(Calculator.matches(19500, "195,000")).isFalse();
        assertThat(Calculator.matches(0.1 + 0.2, "0.3")).isTrue();
    }
}
