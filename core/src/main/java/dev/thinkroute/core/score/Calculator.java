package dev.thinkroute.core.score;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks GSM8K calculator annotations, {@code <<expr=value>>result}, the way OpenAI's models write them (Cobbe et
 * al. 2021): the expression is recomputed, compared with the value the annotation claims, and the claimed value with
 * the number written right after the annotation (the one the solution goes on with).
 *
 * <p>Arithmetic: {@code + − × ÷}, {@code ^} and {@code **} (power), parentheses, unary signs, a postfix {@code %}
 * (÷100), numbers with thousands commas and leading-dot decimals ({@code .15}); {@code $} and spaces are ignored.
 * An expression outside that grammar is counted as unparsable, never as an error.
 *
 * <p>Tolerance: a claimed value written with {@code d} decimals matches when within half a unit of its last digit
 * (so {@code 33.33} matches 100/3); an integer claim must be exact up to floating-point noise. The following number
 * matches the claim likewise at its own precision ({@code 19500.0} then {@code 195,000} is a mismatch).
 */
public final class Calculator {

    /** One annotation: the expression, the claimed value, and the number written after it ({@code null}: none). */
    public record Annotation(String expression, String claimed, String following) {
    }

    /**
     * What the annotations of one solution show.
     *
     * @param annotations      how many there are
     * @param unparsable       whose expression or claimed value could not be read (not counted as errors)
     * @param arithmeticErrors whose expression does not evaluate to the claimed value
     * @param missingResults   with no number right after the annotation
     * @param resultMismatches whose following number differs from the claimed value
     */
    public record Check(int annotations, int unparsable, int arithmeticErrors, int missingResults, int resultMismatches) {
        /** No arithmetic error, no missing result, no mismatch. */
        public boolean clean() {
            return arithmeticErrors == 0 && missingResults == 0 && resultMismatches == 0;
        }
    }

    private static final Pattern ANNOTATION = Pattern.compile("<<([^<>]*)=([^<>=]*)>>");
    private static final Pattern FOLLOWING = Pattern.compile("\\s?\\$?\\s?(-?(?:\\d[\\d,]*)?(?:\\.\\d+)?)");

    private Calculator() {
    }

    /** The annotations of a solution, in order. An expression holding '=' itself keeps its last '=' as the split. */
    public static List<Annotation> annotations(String solution) {
        List<Annotation> out = new ArrayList<>();
        if (solution == null) return out;
        Matcher m = ANNOTATION.matcher(solution);
        while (m.find()) {
            Matcher f = FOLLOWING.matcher(solution);
            String following = null;
            f.region(m.end(), solution.length());
            if (f.lookingAt()) {
                String g = stripCommas(f.group(1));
                if (g.chars().anyMatch(Character::isDigit)) following = g;
            }
            out.add(new Annotation(m.group(1), m.group(2).strip(), following));
        }
        return out;
    }

    /** Checks every annotation of a solution. */
    public static Check check(String solution) {
        int n = 0, unparsable = 0, wrong = 0, missing = 0, mismatch = 0;
        for (Annotation a : annotations(solution)) {
            n++;
            double computed = evaluate(a.expression());
            Double claimed = number(a.claimed());
            if (claimed == null || Double.isNaN(computed)) unparsable++;
            else if (!matches(computed, a.claimed())) wrong++;
            if (a.following() == null) missing++;
            else if (claimed != null && !matches(claimed, a.following())) mismatch++;
        }
        return new Check(n, unparsable, wrong, missing, mismatch);
    }

    /**
     * Whether {@code value} is what {@code written} says, at the precision it is written with: within half a unit of
     * its last decimal, or (an integer) up to floating-point noise.
     */
    public static boolean matches(double value, String written) {
        Double w = number(written);
        if (w == null || Double.isNaN(value)) return false;
        String s = stripCommas(written.strip());
        int dot = s.indexOf('.');
        int decimals = 0;
        if (dot >= 0) {
            decimals = s.length() - dot - 1;
            // "19500.0" claims 19500 exactly: trailing zeros add no rounding.
            String frac = s.substring(dot + 1);
            if (frac.chars().allMatch(c -> c == '0')) decimals = 0;
        }
        double noise = 1e-9 * Math.max(1, Math.abs(value));
        double tolerance = decimals > 0 ? 0.5 * Math.pow(10, -decimals) + noise : noise;
        return Math.abs(value - w) <= tolerance;
    }

    /** A plain number ({@code 1,300}, {@code -.5}, {@code 19500.0}), or {@code null}. */
    public static Double number(String text) {
        if (text == null) return null;
        String s = stripCommas(text.strip().replace("$", ""));
        if (!s.matches("[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)")) return null;
        return Double.parseDouble(s);
    }

    /** The value of an arithmetic expression, or NaN when it is outside the grammar or divides by zero. */
    public static double evaluate(String expression) {
        if (expression == null) return Double.NaN;
        Parser p = new Parser(expression.replace("$", "").replaceAll("\\s+", ""));
        try {
            double v = p.expr();
            if (p.pos != p.s.length()) return Double.NaN;
            return Double.isFinite(v) ? v : Double.NaN;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private static String stripCommas(String s) {
        String t = s.replace(",", "");
        return t;
    }

    /** Recursive descent over + - * / ^ ** ( ) % and numbers. */
    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        double expr() {
            double v = term();
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '+') {
                    pos++;
                    v += term();
                } else if (c == '-') {
                    pos++;
                    v -= term();
                } else break;
            }
            return v;
        }

        double term() {
            double v = power();
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '*' && !s.startsWith("**", pos)) {
                    pos++;
                    v *= power();
                } else if (c == '/' || c == '÷') {
                    pos++;
                    double d = power();
                    if (d == 0) throw new ArithmeticException("division by zero");
                    v /= d;
                } else if (c == '×') {
                    pos++;
                    v *= power();
                } else break;
            }
            return v;
        }

        double power() {
            double base = unary();
            if (s.startsWith("**", pos)) {
                pos += 2;
                return Math.pow(base, power());
            }
            if (pos < s.length() && s.charAt(pos) == '^') {
                pos++;
                return Math.pow(base, power());
            }
            return base;
        }

        double unary() {
            if (pos < s.length() && s.charAt(pos) == '-') {
                pos++;
                return -unary();
            }
            if (pos < s.length() && s.charAt(pos) == '+') {
                pos++;
                return unary();
            }
            double v = primary();
            while (pos < s.length() && s.charAt(pos) == '%') {
                pos++;
                v /= 100;
            }
            return v;
        }

        double primary() {
            if (pos >= s.length()) throw new IllegalArgumentException("unexpected end");
            char c = s.charAt(pos);
            if (c == '(') {
                pos++;
                double v = expr();
                if (pos >= s.length() || s.charAt(pos) != ')') throw new IllegalArgumentException("missing )");
                pos++;
                return v;
            }
            int start = pos;
            while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.'
                    || (s.charAt(pos) == ',' && pos + 1 < s.length() && Character.isDigit(s.charAt(pos + 1))))) pos++;
            if (start == pos) throw new IllegalArgumentException("number expected at " + pos);
            String num = s.substring(start, pos).replace(",", "");
            if (num.chars().filter(ch -> ch == '.').count() > 1 || num.equals(".")) throw new IllegalArgumentException("bad number " + num);
            return Double.parseDouble(num);
        }
    }
}
