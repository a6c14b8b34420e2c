package dev.thinkroute.core.score;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Multiple-choice scoring (MMLU-style letters A–J). The chosen letter is read, in order of trust, from: explicit
 * statements ({@code \boxed{B}}, "Answer: B", "The answer is (B)", "correct option is B"), a bare letter as the
 * whole response ("B", "(B)", "B."), a response that opens with an option ("B. paralysis…"), and finally a
 * parenthesised letter "(B)". Within a tier the last occurrence wins, since models restate their final choice last.
 */
public final class ChoiceScorer implements Scorer {

    // Letters must be capitals: lower-case "a" is usually the article ("the answer is a bit…").
    private static final Pattern STATEMENT = Pattern.compile(
            "\\\\(?:boxed|fbox)\\{\\s*(?:\\\\text(?:bf)?\\{)?\\s*\\(?([A-J])\\)?\\s*\\}?\\s*\\}"
            + "|(?i:answer|option|choice)(?:\\s+(?i:is|would be|will be))?\\s*[:：]?\\s*(?:\\*\\*|\\$)?\\s*"
            + "(?:\\\\text\\{)?\\(?([A-J])\\)?(?![A-Za-z0-9])");
    private static final Pattern BARE = Pattern.compile("^\\W*\\(?([A-J])\\)?[.:)]?\\W*$");
    private static final Pattern LEADING = Pattern.compile("^\\s*(?:\\*\\*)?\\(?([A-J])(?:[.:)]|\\s*\\))\\s");
    private static final Pattern PAREN = Pattern.compile("\\(([A-J])\\)");

    @Override
    public String name() {
        return "choice";
    }

    @Override
    public Score score(String response, List<String> gold) {
        String chosen = extract(response);
        if (chosen == null) return Score.unparsed();
        boolean correct = gold.stream().map(ChoiceScorer::goldLetter).anyMatch(chosen::equals);
        return new Score(correct ? 1 : 0, chosen, true);
    }

    /** The chosen letter, or null when the response states none. */
    public static String extract(String response) {
        if (response == null || response.isBlank()) return null;
        String s = last(STATEMENT, response);
        if (s != null) return s;
        Matcher bare = BARE.matcher(response.strip());
        if (bare.matches()) return bare.group(1);
        Matcher lead = LEADING.matcher(response + " ");
        if (lead.find()) return lead.group(1);
        return last(PAREN, response);
    }

    /** A gold answer as a letter: "B", "(B)", "b" all read as B. */
    static String goldLetter(String gold) {
        if (gold == null) return null;
        String g = gold.strip().toUpperCase(java.util.Locale.ROOT);
        Matcher m = BARE.matcher(g);
        return m.matches() ? m.group(1) : g;
    }

    private static String last(Pattern p, String text) {
        Matcher m = p.matcher(text);
        String found = null;
        while (m.find()) {
            for (int i = 1; i <= m.groupCount(); i++) {
                if (m.group(i) != null) found = m.group(i);
            }
        }
        return found;
    }
}
