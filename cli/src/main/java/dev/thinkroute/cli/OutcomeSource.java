package dev.thinkroute.cli;

import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;

/** Where a learning command reads outcomes: a public table by importer name, or a log of the user's own. */
final class OutcomeSource {

    @Option(names = "--dataset", paramLabel = "NAME", description = "A public outcome table by importer name.")
    String dataset;

    @Option(names = "--log", paramLabel = "FILE", description = "An outcome log (JSONL) of your own.")
    Path log;

    /** Loads the outcomes; {@code testLog} (with --log only) is the held-out part. */
    LearnInputs.Loaded load(Path dataFlag, Path testLog, PrintWriter err) {
        if (testLog != null && log == null) throw new CliException("--test goes with --log");
        return dataset != null
                ? LearnInputs.dataset(dataset, Setup.dataRoot(dataFlag), err)
                : LearnInputs.logs(log, testLog, err);
    }
}
