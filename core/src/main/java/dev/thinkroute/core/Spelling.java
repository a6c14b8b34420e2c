package dev.thinkroute.core;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Finds the allowed word a misspelt one was probably meant to be ({@code base-url}, {@code baseUrl} → {@code base_url}). */
public final class Spelling {

    private Spelling() {
    }

    /** The closest of {@code options} when it is close enough to be a likely typo; otherwise empty. */
    public static Optional<String> closest(String given, Collection<String> options) {
        String g = fold(given);
        String best = null;
        int bestScore = Integer.MAX_VALUE;
        for (String option : options) {
            String o = fold(option);
            int score;
            if (o.equals(g)) {
                score = 0; // differs only in case or separators: camelCase, kebab-case
            } else if (Math.min(o.length(), g.length()) >= 3 && (o.contains(g) || g.contains(o))) {
                score = 1; // a shortened or lengthened key: "timeout" for "timeouts", "api_key" for "api_key_env"
            } else {
                int distance = distance(g, o);
                // One edit for short words, two for longer ones: beyond that a "suggestion" is a guess.
                if (distance > (o.length() <= 4 ? 1 : 2)) continue;
                score = 1 + distance;
            }
            if (score < bestScore) {
                best = option;
                bestScore = score;
            }
        }
        return Optional.ofNullable(best);
    }

    private static String fold(String word) {
        return word.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "").replace(" ", "");
    }

    /** Edits between two words, a swap of neighbours counting as one ("prot" is one edit from "port"). */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
