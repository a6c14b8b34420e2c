package dev.thinkroute.agent;

import dev.thinkroute.core.Spelling;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One turn of the policy model under the Router-R1 protocol, read from its text: a sub-question for a named model
 * ({@code <search> Model-Name: question </search>}), a final answer ({@code <answer>…</answer>}), or text that is
 * neither. Reading is forgiving where the intent is unambiguous, and says what it repaired: a {@code </search>}
 * missing because generation stopped at it, several searches (the first is asked), an answer written inside
 * {@code <think>}, a model name in another case or one or two letters off ({@link Spelling}). Anything else is {@link Malformed}, with
 * the reason, so the orchestrator can ask again or fall back; a turn is never guessed.
 */
public sealed interface Turn permits Turn.Search, Turn.Answer, Turn.Malformed {

    /** The {@code <think>} text of the turn ({@code ""} when none). */
    String think();

    /** What reading had to repair, for the round's record; empty when the turn was well formed. */
    List<String> repairs();

    /** Ask {@code model} the {@code question}. */
    record Search(String think, String model, String question, List<String> repairs) implements Turn {
        public Search {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(question, "question");
            repairs = List.copyOf(repairs);
        }
    }

    /** The policy's final answer. */
    record Answer(String think, String answer, List<String> repairs) implements Turn {
        public Answer {
            Objects.requireNonNull(answer, "answer");
            repairs = List.copyOf(repairs);
        }
    }

    /** Neither a usable search nor an answer. */
    record Malformed(String think, String why, List<String> repairs) implements Turn {
        public Malformed {
            Objects.requireNonNull(why, "why");
            repairs = List.copyOf(repairs);
        }
    }

    Pattern THINK = Pattern.compile("<think>(.*?)(?:</think>|$)", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    Pattern SEARCH = Pattern.compile("<search>(.*?)(?:</search>|(?=<search>)|(?=<answer>)|$)", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    Pattern ANSWER = Pattern.compile("<answer>(.*?)(?:</answer>|$)", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

    /**
     * Reads one policy turn.
     *
     * @param text   the policy's output for this turn (generation may have stopped at {@code </search>})
     * @param models the names of the models the policy may ask
     */
    static Turn parse(String text, Set<String> models) {
        String all = text == null ? "" : text;
        List<String> repairs = new ArrayList<>();
        Matcher t = THINK.matcher(all);
        String think = "";
        String outside = all;
        if (t.find()) {
            think = t.group(1).strip();
            outside = all.substring(0, t.start()) + all.substring(t.end());
        }
        Matcher s = SEARCH.matcher(outside);
        Matcher a = ANSWER.matcher(outside);
        boolean hasSearch = s.find(), hasAnswer = a.find();
        if (!hasSearch && !hasAnswer) {
            // An answer written inside the thinking is the policy's answer when nothing outside says otherwise.
            Matcher inner = ANSWER.matcher(think);
            if (inner.find() && !inner.group(1).isBlank()) {
                repairs.add("the answer was inside <think>; taken as the answer");
                return new Answer(think, inner.group(1).strip(), repairs);
            }
            return new Malformed(think, "no <search> or <answer> in the turn", repairs);
        }
        if (hasAnswer && (!hasSearch || a.start() < s.start())) {
            if (hasSearch) repairs.add("a <search> after the <answer> was ignored");
            if (!outside.substring(a.start()).toLowerCase(Locale.ROOT).contains("</answer>")) repairs.add("closed the unfinished <answer>");
            String answer = a.group(1).strip();
            if (answer.isEmpty()) return new Malformed(think, "the <answer> is empty", repairs);
            return new Answer(think, answer, repairs);
        }
        String body = s.group(1).strip();
        int more = 0;
        while (s.find()) more++;
        if (more > 0) repairs.add((more + 1) + " searches in one turn; asked the first");
        int colon = body.indexOf(':');
        if (colon <= 0) return new Malformed(think, "the <search> names no model: write <search> Model-Name: question </search>", repairs);
        String named = body.substring(0, colon).strip();
        String question = body.substring(colon + 1).strip();
        if (question.isEmpty()) return new Malformed(think, "the <search> for " + named + " has no question", repairs);
        String model = resolve(named, models, repairs);
        if (model == null) {
            return new Malformed(think, "unknown model '" + named + "'; the candidates are " + String.join(", ", models), repairs);
        }
        return new Search(think, model, question, repairs);
    }

    /**
     * The candidate {@code named} means: exact, else the closest name when it is a likely typo (case, separators, an
     * edit or two) that keeps every digit: digits are sizes and versions, so {@code qwen2.5-72b} is never read as
     * {@code qwen2.5-7b}, nor {@code wiki-8b} as {@code wiki-7b}; asking a model of another size is not a repair.
     */
    private static String resolve(String named, Set<String> models, List<String> repairs) {
        if (models.contains(named)) return named;
        String close = Spelling.closest(named, models).filter(c -> digits(c).equals(digits(named))).orElse(null);
        if (close != null) repairs.add("model '" + named + "' read as '" + close + "'");
        return close;
    }

    private static String digits(String name) {
        return name.replaceAll("\\D", "");
    }
}
