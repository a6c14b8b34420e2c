package dev.thinkroute.eval.run;

import dev.thinkroute.agent.Orchestrator;
import dev.thinkroute.core.score.QaScorer;
import dev.thinkroute.core.score.Score;
import dev.thinkroute.core.score.Scorer;
import dev.thinkroute.llm.UpstreamException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Runs a multi-round profile (the Router-R1 loop) on every question: the policy asks the pool sub-questions and
 * answers, and the answer is scored with the dataset's scorer and, for QA sets, token F1 beside it. Unlike a
 * single-round contestant, whose answers are looked up per (question, arm) and shared, each loop is its own
 * trajectory with its own cost, so it is run per question; questions run {@code concurrency} at a time.
 */
public final class MultiRoundRun {

    private MultiRoundRun() {
    }

    /**
     * One question's loop.
     *
     * @param result    the loop ({@code null} when the policy itself failed and nothing could go on)
     * @param score     by the dataset's scorer; unparsed when the loop ended without an answer
     * @param em        exact match with any gold (QA scorers), else NaN
     * @param f1        token F1 against the best gold (QA scorers), else NaN
     * @param latencyMs the whole loop
     * @param error     why the loop failed, or {@code null}
     */
    public record Answer(Evaluation.Item item, Orchestrator.Result result, Score score, double em, double f1, long latencyMs, String error) {
        public Answer {
            Objects.requireNonNull(item, "item");
        }

        public boolean failed() {
            return result == null;
        }
    }

    /**
     * Runs {@code orchestrator} on each item (each needs its {@link Evaluation.Item#example()} for the gold answers).
     * A policy failure fails that question only (counted, never scored as wrong); the others go on.
     */
    public static List<Answer> run(Orchestrator orchestrator, List<Evaluation.Item> items, Scorer scorer, int concurrency,
                                   Progress.Listener listener) throws InterruptedException {
        if (concurrency < 1) throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        for (Evaluation.Item item : items) {
            if (item.example() == null) throw new IllegalArgumentException("item " + item.id() + " has no example to score against");
        }
        boolean qa = scorer instanceof QaScorer;
        long started = System.nanoTime();
        Semaphore slots = new Semaphore(concurrency);
        int[] done = {0, 0};
        List<Future<Answer>> futures = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Evaluation.Item item : items) {
                futures.add(executor.submit(() -> {
                    slots.acquire();
                    try {
                        Answer a = one(orchestrator, item, scorer, qa);
                        synchronized (done) {
                            done[0]++;
                            if (a.failed()) done[1]++;
                            listener.update(new Progress(done[0], items.size(), done[1], 0, Duration.ofNanos(System.nanoTime() - started)));
                        }
                        return a;
                    } finally {
                        slots.release();
                    }
                }));
            }
            List<Answer> answers = new ArrayList<>(items.size());
            for (Future<Answer> f : futures) {
                try {
                    answers.add(f.get());
                } catch (ExecutionException e) {
                    // one() catches what a loop can throw; anything else is a bug worth its stack trace
                    throw new IllegalStateException("multi-round run failed: " + e.getCause(), e.getCause());
                }
            }
            return answers;
        }
    }

    private static Answer one(Orchestrator orchestrator, Evaluation.Item item, Scorer scorer, boolean qa) {
        long t0 = System.nanoTime();
        try {
            Orchestrator.Result r = orchestrator.run(item.text());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            List<String> gold = item.example().gold();
            boolean none = r.answer() == null || r.answer().isBlank();
            double[] emF1 = qa ? Evaluation.emAndF1(none ? null : r.answer(), gold) : new double[]{Double.NaN, Double.NaN};
            // The loop's answer is already the text inside <answer>; scorers read it as a whole response.
            Score s = none ? Score.unparsed() : scorer.score(r.answer(), gold);
            return new Answer(item, r, s, emF1[0], emF1[1], ms, null);
        } catch (UpstreamException e) {
            return new Answer(item, null, null, Double.NaN, Double.NaN, (System.nanoTime() - t0) / 1_000_000, "policy failed: " + e.getMessage());
        }
    }
}
