package dev.thinkroute.core.score;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Math answer scoring (GSM8K, MATH500, AIME). The final answer is read from the last {@code \boxed{…}} or
 * {@code \fbox{…}}, else a GSM8K {@code #### x} line, else "answer is x" / "Answer: x", else the last number.
 * Both sides are normalised (LaTeX spacing and delimiters, units, thousands separators, {@code \dfrac}…) and compared
 * as exact rationals when both read as numbers or simple fractions, otherwise as normalised strings. Gold answers may
 * be bare values or whole solutions (GSM8K's "… #### 18").
 */
public final class MathScorer implements Scorer {

    private static final Pattern BOX = Pattern.compile("\\\\(?:boxed|fbox)");
    private static final Pattern HASHES = Pattern.compile("####\\s*([^\\n]+)");
    private static final Pattern ANSWER_IS = Pattern.compile(
            "(?i)(?:answer\\s+is|answer\\s*:)\\s*:?\\s*([^\\n]+)");
    // A number with optional thousands groups; "1, 2" (space after the comma) is a list, not 12.
    private static final Pattern NUMBER = Pattern.compile("-?(?:\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?|-?\\.\\d+");
    private static final Pattern LEADING_NUMBER = Pattern.compile("^\\$?\\s*(" + NUMBER.pattern() + ")");

    private static final Pattern TEXT_CMD = Pattern.compile("\\\\(?:text|textbf|textit|mbox|mathrm|mathbf|operatorname)\\s*\\{([^{}]*)\\}");
    private static final Pattern DEGREES = Pattern.compile("\\^\\s*\\{?\\s*\\\\circ\\s*\\}?|°|\\\\circ");
    private static final Pattern FRAC_SHORT_BOTH = Pattern.compile("\\\\frac\\s*([0-9a-zA-Z])\\s*([0-9a-zA-Z])");
    private static final Pattern FRAC_SHORT_DEN = Pattern.compile("\\\\frac\\s*(\\{[^{}]*\\})\\s*([0-9a-zA-Z])");
    private static final Pattern FRAC_SHORT_NUM = Pattern.compile("\\\\frac\\s*([0-9a-zA-Z])\\s*(\\{[^{}]*\\})");
    private static final Pattern SQRT_SHORT = Pattern.compile("\\\\sqrt\\s*([0-9a-zA-Z])");
    private static final Pattern ASSIGNMENT = Pattern.compile("^[a-zA-Z](?:_\\{?\\w+\\}?)?\\s*(?:=|\\\\in)\\s*(?=\\S)");
    // Words after a numeric value are units ("5.4 cents", "864 inches^2", "12 dollars"); removed only then.
    // "2k" and "6-5i" keep their letter: a unit is a word of two letters or more after a plain number.
    private static final Pattern UNIT_TAIL = Pattern.compile("^(.*?[0-9}])\\s*[a-zA-Z]{2,}[a-zA-Z .]*(?:\\^\\{?\\d\\}?)?$");
    private static final Pattern THOUSANDS = Pattern.compile("^-?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?$");
    private static final Pattern DECIMAL = Pattern.compile("^[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)$");
    private static final Pattern SLASH = Pattern.compile("^([-+]?\\d+)/([-+]?\\d+)$");
    private static final Pattern FRAC = Pattern.compile("^(-?)\\\\frac\\{([-+]?\\d+)\\}\\{([-+]?\\d+)\\}$");
    private static final Pattern LETTER_CHOICE = Pattern.compile("^\\(([A-Za-z])\\)$");

    @Override
    public String name() {
        return "math";
    }

    @Override
    public Score score(String response, List<String> gold) {
        String extracted = extract(response);
        if (extracted == null) return Score.unparsed();
        for (String g : gold) {
            if (g != null && equivalent(extracted, goldAnswer(g))) return new Score(1, extracted, true);
        }
        return new Score(0, extracted, true);
    }

    /**
     * A gold answer's value: the boxed or {@code ####} part when the gold is a full solution, otherwise the gold
     * itself (a bare value like "x=5" must not be cut down to its last number).
     */
    public static String goldAnswer(String gold) {
        String boxed = lastBoxed(gold);
        if (boxed != null) return boxed;
        String hashes = lastGroup(HASHES, gold);
        return hashes != null ? hashes.strip() : gold.strip();
    }

    /** The final answer stated in a response, or null when it holds none (not even a number). */
    public static String extract(String response) {
        if (response == null || response.isBlank()) return null;
        String boxed = lastBoxed(response);
        if (boxed != null) return boxed;
        String hashes = lastGroup(HASHES, response);
        // Models asked for "#### x" sometimes write a sentence there: "#### Jackson is 4 years old."
        if (hashes != null) return statedValue(hashes);
        String stated = lastGroup(ANSWER_IS, response);
        if (stated != null) {
            String value = statedValue(stated);
            if (value != null) return value;
        }
        return lastNumber(response);
    }

    /** Whether two answers (already extracted) are the same after normalisation. */
    public static boolean equivalent(String a, String b) {
        String na = normalize(a);
        String nb = normalize(b);
        BigInteger[] ra = rational(na);
        BigInteger[] rb = rational(nb);
        if (ra != null && rb != null) {
            return ra[0].multiply(rb[1]).equals(rb[0].multiply(ra[1]));
        }
        return na.equals(nb);
    }

    /** The canonical text form used for string comparison. */
    public static String normalize(String answer) {
        String s = answer.strip();
        s = s.replace("\\left", "").replace("\\right", "")
                .replace("\\!", "").replace("\\,", "").replace("\\;", "").replace("\\:", "").replace("\\ ", " ")
                .replace("\\$", "").replace("$", "").replace("\\%", "").replace("%", "")
                .replace("\u2009", "").replace("\u202f", "").replace("\u00a0", " ")
                .replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac")
                .replace("\\displaystyle", "");
        s = DEGREES.matcher(s).replaceAll("");
        // Unwrap \text{…} and friends; nested ones unwrap from the inside out.
        for (String prev = null; !s.equals(prev); ) {
            prev = s;
            s = TEXT_CMD.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
        }
        s = s.strip();
        while (s.endsWith(".") && !s.endsWith("..")) s = s.substring(0, s.length() - 1).strip();
        Matcher assign = ASSIGNMENT.matcher(s);
        if (assign.find()) s = s.substring(assign.end());
        s = FRAC_SHORT_BOTH.matcher(s).replaceAll("\\\\frac{$1}{$2}");
        s = FRAC_SHORT_DEN.matcher(s).replaceAll("\\\\frac$1{$2}");
        s = FRAC_SHORT_NUM.matcher(s).replaceAll("\\\\frac{$1}$2");
        s = SQRT_SHORT.matcher(s).replaceAll("\\\\sqrt{$1}");
        Matcher unit = UNIT_TAIL.matcher(s);
        if (unit.matches()) {
            String value = unit.group(1).replaceAll("\\s+", "");
            if (THOUSANDS.matcher(value).matches() || rational(value) != null) s = value;
        }
        s = s.replaceAll("\\s+", "");
        if (THOUSANDS.matcher(s).matches()) s = s.replace(",", "");
        Matcher choice = LETTER_CHOICE.matcher(s);
        if (choice.matches()) s = choice.group(1);
        BigInteger[] r = rational(s);
        if (r != null && r[1].equals(BigInteger.ONE) && DECIMAL.matcher(s).matches()) s = r[0].toString();
        return s;
    }

    /** The value as an exact fraction {numerator, positive denominator}, or null when it is not a plain number. */
    static BigInteger[] rational(String s) {
        if (DECIMAL.matcher(s).matches()) {
            BigDecimal d = new BigDecimal(s.startsWith("+") ? s.substring(1) : s);
            if (d.scale() <= 0) return new BigInteger[] {d.toBigIntegerExact(), BigInteger.ONE};
            return reduce(d.unscaledValue(), BigInteger.TEN.pow(d.scale()));
        }
        Matcher slash = SLASH.matcher(s);
        if (slash.matches()) return reduce(new BigInteger(strip(slash.group(1))), new BigInteger(strip(slash.group(2))));
        Matcher frac = FRAC.matcher(s);
        if (frac.matches()) {
            BigInteger num = new BigInteger(strip(frac.group(2)));
            if (!frac.group(1).isEmpty()) num = num.negate();
            return reduce(num, new BigInteger(strip(frac.group(3))));
        }
        return null;
    }

    private static String strip(String n) {
        return n.startsWith("+") ? n.substring(1) : n;
    }

    private static BigInteger[] reduce(BigInteger num, BigInteger den) {
        if (den.signum() == 0) return null;
        if (den.signum() < 0) {
            num = num.negate();
            den = den.negate();
        }
        BigInteger g = num.gcd(den);
        if (g.signum() == 0) return new BigInteger[] {BigInteger.ZERO, BigInteger.ONE};
        return new BigInteger[] {num.divide(g), den.divide(g)};
    }

    /** The content of the last {@code \boxed{…}} / {@code \fbox{…}} with balanced braces ({@code \boxed 5} too). */
    static String lastBoxed(String text) {
        Matcher m = BOX.matcher(text);
        int start = -1;
        while (m.find()) start = m.end();
        if (start < 0) return null;
        int i = start;
        while (i < text.length() && text.charAt(i) == ' ') i++;
        if (i >= text.length()) return null;
        if (text.charAt(i) != '{') {
            // "\boxed 5": the value runs to the next space or math delimiter.
            int end = i;
            while (end < text.length() && " $\n".indexOf(text.charAt(end)) < 0) end++;
            return end > i ? text.substring(i, end) : null;
        }
        int depth = 0;
        for (int j = i; j < text.length(); j++) {
            char c = text.charAt(j);
            if (c == '\\') {
                j++; // an escaped brace "\{" does not count
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                String inner = text.substring(i + 1, j).strip();
                return inner.isEmpty() ? null : inner;
            }
        }
        return null; // unbalanced: the response was cut off inside the box
    }

    /** From the text after "answer is": a leading number, the first inline math, or the first clause. */
    private static String statedValue(String stated) {
        String s = stated.strip();
        Matcher lead = LEADING_NUMBER.matcher(s.replace("**", ""));
        if (lead.find()) return lead.group(1);
        int dollar = s.indexOf('$');
        if (dollar >= 0) {
            int close = s.indexOf('$', dollar + 1);
            if (close > dollar + 1) return s.substring(dollar + 1, close);
        }
        int stop = s.indexOf(". ");
        String clause = (stop >= 0 ? s.substring(0, stop) : s).strip();
        // "The answer is: Jackson is 4 years old." states a number inside a sentence.
        String number = lastNumber(clause);
        if (number != null) return number;
        return clause.isEmpty() ? null : clause;
    }

    private static String lastNumber(String text) {
        return lastGroup0(NUMBER, text);
    }

    private static String lastGroup(Pattern p, String text) {
        Matcher m = p.matcher(text);
        String found = null;
        while (m.find()) found = m.group(1);
        return found;
    }

    private static String lastGroup0(Pattern p, String text) {
        Matcher m = p.matcher(text);
        String found = null;
        while (m.find()) found = m.group();
        return found;
    }
}
