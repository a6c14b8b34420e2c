package dev.thinkroute.llm.replay;

import java.text.Normalizer;
import java.util.regex.Pattern;

/** Prompt normalisation and previews shared by the tables and the replay upstream. */
final class PromptText {

    // UNICODE_CHARACTER_CLASS makes \s the Unicode White_Space property (no-break spaces, U+2028…), so a prompt
    // pasted from a web page still matches.
    private static final Pattern RUNS = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    private PromptText() {
    }

    static String normalise(String prompt) {
        if (prompt == null) return "";
        String nfc = Normalizer.normalize(prompt, Normalizer.Form.NFC);
        return RUNS.matcher(nfc).replaceAll(" ").strip();
    }

    /** The normalised text cut to {@code max} characters, with an ellipsis when cut; for error messages. */
    static String preview(String text, int max) {
        String n = normalise(text);
        if (n.length() <= max) return n;
        int end = max;
        // Do not split a surrogate pair.
        if (Character.isHighSurrogate(n.charAt(end - 1))) end--;
        return n.substring(0, end) + "…";
    }
}
