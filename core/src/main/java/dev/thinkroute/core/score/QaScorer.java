package dev.thinkroute.core.score;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Open-domain QA scoring with SQuAD normalisation (lower case, punctuation and the articles a/an/the removed,
 * whitespace collapsed), maximised over the gold aliases. Two variants: {@code qa-em} (exact match) and
 * {@code qa-f1} (token F1). When the response holds {@code <answer>…</answer>} (the Router-R1 / LLMRouter
 * convention) the content of the last such tag is scored, otherwise the whole response.
 */
public final class QaScorer implements Scorer {

    private static final Pattern ANSWER_TAG = Pattern.compile("<answer>(.*?)</answer>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b");
    // SQuAD removes string.punctuation (ASCII); Unicode punctuation (curly quotes, dashes) is removed too because
    // model outputs use it freely and it never distinguishes answers.
    private static final Pattern PUNCT = Pattern.compile("[\\p{Punct}\\p{IsPunctuation}]");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private final boolean f1;

    private QaScorer(boolean f1) {
        this.f1 = f1;
    }

    /** The strict variant, {@code qa-em}. */
    public static QaScorer exactMatch() {
        return new QaScorer(false);
    }

    /** The token-overlap variant, {@code qa-f1}. */
    public static QaScorer f1() {
        return new QaScorer(true);
    }

    @Override
    public String name() {
        return f1 ? "qa-f1" : "qa-em";
    }

    @Override
    public Score score(String response, List<String> gold) {
        String extracted = extract(response);
        if (extracted == null) return Score.unparsed();
        String pred = normalize(extracted);
        double best = 0;
        for (String g : gold) {
            if (g == null) continue;
            String ng = normalize(g);
            best = Math.max(best, f1 ? tokenF1(pred, ng) : (pred.equals(ng) ? 1 : 0));
        }
        return new Score(best, extracted, true);
    }

    /** The text to score: the last {@code <answer>} tag's content, else the whole response; null when blank. */
    public static String extract(String response) {
        if (response == null) return null;
        String text = response;
        Matcher m = ANSWER_TAG.matcher(response);
        while (m.find()) text = m.group(1);
        text = text.strip();
        return text.isEmpty() ? null : text;
    }

    /** SQuAD's normalize_answer: lower case, no punctuation, no articles, single spaces. */
    public static String normalize(String s) {
        String t = Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        t = PUNCT.matcher(t).replaceAll("");
        t = ARTICLES.matcher(t).replaceAll(" ");
        return SPACES.matcher(t).replaceAll(" ").strip();
    }

    /** SQuAD token F1 of two already normalised strings (0 when either has no tokens, unless both are empty). */
    public static double tokenF1(String pred, String gold) {
        List<String> p = pred.isEmpty() ? List.of() : Arrays.asList(pred.split(" "));
        List<String> g = gold.isEmpty() ? List.of() : Arrays.asList(gold.split(" "));
        if (p.isEmpty() || g.isEmpty()) return p.equals(g) ? 1 : 0;
        Map<String, Integer> counts = new HashMap<>();
        for (String t : g) counts.merge(t, 1, Integer::sum);
        int common = 0;
        for (String t : p) {
            Integer c = counts.get(t);
            if (c != null && c > 0) {
                common++;
                counts.put(t, c - 1);
            }
        }
        if (common == 0) return 0;
        double precision = (double) common / p.size();
        double recall = (double) common / g.size();
        return 2 * precision * recall / (precision + recall);
    }
}
