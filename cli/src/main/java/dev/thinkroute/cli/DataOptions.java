package dev.thinkroute.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options every learning command shares: where the datasets are, and where embeddings are cached. */
final class DataOptions {

    @Option(names = "--data", paramLabel = "DIR", description = "Datasets root (default: $THINKROUTE_DATA, then ../shared/datasets).")
    Path data;

    @Option(names = "--cache", paramLabel = "DIR", description = "Embedding cache (default: $THINKROUTE_CACHE/embeddings or ~/.cache/thinkroute/embeddings).")
    Path cache;
}
