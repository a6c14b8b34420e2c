package dev.thinkroute.cli;

import dev.thinkroute.core.Outcome;
import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.learn.embed.CachedEncoder;
import dev.thinkroute.learn.embed.EmbeddingCache;
import dev.thinkroute.learn.embed.QueryText;
import dev.thinkroute.learn.router.Encoders;
import dev.thinkroute.learn.outcome.InvalidOutcomeLogException;
import dev.thinkroute.learn.outcome.LoadedLog;
import dev.thinkroute.learn.outcome.OutcomeLog;
import dev.thinkroute.learn.outcome.Provenance;
import dev.thinkroute.learn.outcome.importer.ImportResult;
import dev.thinkroute.learn.outcome.importer.Importers;
import dev.thinkroute.learn.outcome.importer.LlmRouterDcImporter;
import dev.thinkroute.learn.train.Folds;
import dev.thinkroute.learn.train.Target;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Where training and comparison get their rows: an importer of a public table (by name) or outcome-log files, with
 * the held-out part given by the source's own split, a test file, a seeded fraction, or none (cross-validation).
 */
final class LearnInputs {

    /**
     * @param matrix complete rows (every arm scored and priced) of all the outcomes
     * @param train  rows to train on, or {@code null} when the caller cross-validates
     * @param test   held-out rows, or {@code null}
     * @param sources the files read, for provenance
     */
    record Loaded(String name, OutcomeMatrix matrix, int[] train, int[] test, String split, List<Provenance.SourceFile> sources, int incompleteRows) {
        boolean hasSplit() {
            return train != null;
        }
    }

    private LearnInputs() {
    }

    /** The outcomes of an importer, with its documented split when it has one. */
    static Loaded dataset(String name, Path dataRoot, PrintWriter err) {
        ImportResult result;
        try {
            result = Importers.get(name).run(dataRoot);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        if (!result.skipped().isEmpty()) {
            err.println(name + ": skipped " + result.skipped().size() + " source rows, e.g. " + result.skipped().getFirst());
        }
        List<Provenance.SourceFile> sources = result.provenance().sources();
        if (name.equals(LlmRouterDcImporter.NAME)) {
            List<Outcome> test = LlmRouterDcImporter.inSplit(result.outcomes(), LlmRouterDcImporter.TEST);
            // test.json repeats 119 of train.json's questions word for word (gpqa, human_eval, part of mbpp); training on
            // them would leak the answers, so they are dropped from training and test.json is measured whole.
            Set<String> testQueries = new HashSet<>();
            test.forEach(o -> testQueries.add(o.query()));
            List<Outcome> allTrain = LlmRouterDcImporter.inSplit(result.outcomes(), LlmRouterDcImporter.TRAIN);
            List<Outcome> train = allTrain.stream().filter(o -> !testQueries.contains(o.query())).toList();
            long dropped = allTrain.stream().filter(o -> testQueries.contains(o.query())).map(Outcome::queryId).distinct().count();
            return withTest(name, train, test, "train on train.json (less the " + dropped
                    + " questions test.json repeats), measure on test.json", sources);
        }
        return whole(name, result.outcomes(), sources);
    }

    /** Outcome-log files: one to train on and optionally one to test on. */
    static Loaded logs(Path log, Path testLog, PrintWriter err) {
        return logs(log, read(log, err), testLog, testLog == null ? null : read(testLog, err));
    }

    /** {@link #logs(Path, Path, PrintWriter)} over outcomes the caller has already read (it needs the lines too). */
    static Loaded logs(Path log, List<Outcome> train, Path testLog, List<Outcome> test) {
        if (testLog == null) return whole(log.getFileName().toString(), train, List.of(Provenance.SourceFile.of(null, log)));
        return withTest(log.getFileName().toString(), train, test,
                "train on " + log.getFileName() + ", measure on " + testLog.getFileName(),
                List.of(Provenance.SourceFile.of(null, log), Provenance.SourceFile.of(null, testLog)));
    }

    /** Splits a whole table by a seeded fraction. */
    static Loaded withFraction(Loaded whole, double testFraction, long seed) {
        int[][] split = Folds.split(whole.matrix().size(), testFraction, seed);
        return new Loaded(whole.name(), whole.matrix(), split[0], split[1],
                "seeded split: " + Math.round(testFraction * 100) + "% held out (seed " + seed + ")", whole.sources(), whole.incompleteRows());
    }

    static List<Outcome> read(Path log, PrintWriter err) {
        LoadedLog loaded;
        try {
            loaded = OutcomeLog.read(log);
        } catch (InvalidOutcomeLogException e) {
            throw new CliException(e.getMessage());
        } catch (RuntimeException e) {
            throw new CliException("cannot read outcome log " + log + ": " + e.getMessage());
        }
        if (!loaded.problems().isEmpty()) {
            err.println(log + ": skipped " + loaded.skippedLines() + " bad lines:");
            loaded.problems().stream().limit(10).forEach(p -> err.println("  " + p));
            if (loaded.problems().size() > 10) err.println("  … and " + (loaded.problems().size() - 10) + " more");
        }
        return loaded.outcomes();
    }

    private static Loaded whole(String name, List<Outcome> outcomes, List<Provenance.SourceFile> sources) {
        OutcomeMatrix all = OutcomeMatrix.of(outcomes);
        OutcomeMatrix complete = all.completeRows();
        if (complete.size() < 10) {
            throw new CliException(name + ": only " + complete.size() + " queries have an outcome for every arm ("
                    + all.armCount() + " arms); routers need at least 10");
        }
        return new Loaded(name, complete, null, null, null, sources, all.size() - complete.size());
    }

    private static Loaded withTest(String name, List<Outcome> train, List<Outcome> test, String split, List<Provenance.SourceFile> sources) {
        Set<String> trainIds = new HashSet<>();
        train.forEach(o -> trainIds.add(o.queryId()));
        List<Outcome> both = new ArrayList<>(train);
        for (Outcome o : test) {
            if (trainIds.contains(o.queryId())) {
                throw new CliException("query id '" + o.queryId() + "' is in both the training and the test outcomes; held-out rows must be unseen");
            }
            both.add(o);
        }
        OutcomeMatrix all = OutcomeMatrix.of(both);
        OutcomeMatrix complete = all.completeRows();
        int[] trainRows = IntStream.range(0, complete.size()).filter(q -> trainIds.contains(complete.queryIds().get(q))).toArray();
        int[] testRows = IntStream.range(0, complete.size()).filter(q -> !trainIds.contains(complete.queryIds().get(q))).toArray();
        if (trainRows.length < 10 || testRows.length < 1) {
            throw new CliException(name + ": " + trainRows.length + " complete training and " + testRows.length
                    + " complete test queries; need at least 10 and 1 (a query is complete when every arm has a score and a cost)");
        }
        return new Loaded(name, complete, trainRows, testRows, split, sources, all.size() - complete.size());
    }

    /** The --target option, or a usage error naming the accepted forms. */
    static Target target(String text) {
        try {
            return Target.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CliException("--target: " + e.getMessage());
        }
    }

    /** Embeds every row's query (the last user message, end kept) through the on-disk cache, with a progress bar. */
    static float[][] embed(OutcomeMatrix matrix, Path cacheDir, PrintWriter err) {
        Path dir = cacheDir != null ? cacheDir : EmbeddingCache.defaultDirectory();
        // The process-wide encoder: a demo or a comparison of several datasets loads the ONNX model once, and the
        // gateway started afterwards uses the same session. Closing the cache leaves the shared encoder open.
        try (CachedEncoder encoder = new CachedEncoder(Encoders.shared(), dir)) {
            List<String> texts = matrix.queries().stream().map(QueryText::of).toList();
            Progress bar = new Progress(err, "embedding queries");
            List<float[]> vectors = encoder.embedAll(texts, bar::update);
            bar.finish();
            return vectors.toArray(float[][]::new);
        }
    }
}
