package dev.thinkroute.core;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Estimates the token count of a text when no upstream reported it (replay, aborted streams).
 *
 * <p>Approximates byte-pair tokenisers of the GPT/Llama family without shipping their vocabularies: the text is
 * split the way their pre-tokenisers split it (words with their leading space, runs of up to three digits,
 * punctuation runs, whitespace); a common-length word is one token, as it is in those vocabularies, and a longer
 * one is charged one token per six characters. It is a rough figure for when nothing better exists, and every
 * usage built from it is flagged {@link Usage#estimated()}.
 */
public final class TokenEstimator {

    // Letters (with an optional leading space), digit groups of 1-3, other symbols, whitespace runs.
    private static final Pattern PIECES = Pattern.compile(" ?\\p{L}+| ?\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+|\\s+");

    private TokenEstimator() {
    }

    public static long estimate(String text) {
        if (text == null || text.isEmpty()) return 0;
        long tokens = 0;
        Matcher m = PIECES.matcher(text);
        while (m.find()) {
            int len = m.end() - m.start();
            char first = text.charAt(m.start());
            if (Character.isWhitespace(first) && m.group().isBlank()) {
                // Newline runs are usually one token; long space runs (indentation) a few.
                tokens += Math.max(1, len / 8);
            } else if (len <= 10) {
                tokens += 1;
            } else {
                tokens += (len + 5) / 6;
            }
        }
        return tokens;
    }
}
