package dev.thinkroute.cli;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.learn.outcome.importer.ImportResult;
import dev.thinkroute.learn.outcome.importer.Importer;
import dev.thinkroute.learn.outcome.importer.Importers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code thinkroute import}: public outcome tables to outcome logs. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Turn public outcome tables into outcome logs (JSONL, with a .provenance.json beside each): "
                + "routellm-gsm8k, routellm-mmlu, llmrouter-dcrouter, llmrouter-nq, openai-gsm8k, or 'all'.")
final class ImportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Importer names, or 'all'.")
    List<String> names;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/outcomes", description = "Where the logs go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--data", paramLabel = "DIR", description = "Datasets root (default: $THINKROUTE_DATA, then ../shared/datasets).")
    Path data;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        Path root = Setup.dataRoot(data);
        List<String> chosen = names.contains("all") ? Importers.names() : names;
        for (String name : chosen) {
            Importer importer;
            try {
                importer = Importers.get(name);
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
            ImportResult result = importer.run(root);
            Path log = out.resolve(name + ".jsonl");
            result.writeTo(log);
            o.printf(Locale.ROOT, "%s: %d queries × %d arms = %d outcomes -> %s%n", name, result.queryCount(), result.arms().size(),
                    result.outcomes().size(), log.toAbsolutePath());
            OutcomeMatrix m = OutcomeMatrix.of(result.outcomes());
            for (int a = 0; a < m.armCount(); a++) {
                Arm arm = m.arms().get(a);
                o.printf(Locale.ROOT, "  %-45s mean score %.4f  mean cost $%.7f%n", arm.label(), m.meanScore(a), m.meanCost(a));
            }
            if (!result.skipped().isEmpty()) {
                o.println("  skipped " + result.skipped().size() + " source rows:");
                result.skipped().stream().limit(10).forEach(s -> o.println("    " + s));
                if (result.skipped().size() > 10) o.println("    … and " + (result.skipped().size() - 10) + " more (all in the provenance file)");
            }
        }
        o.flush();
        return 0;
    }
}
