/**
 * The outcome log: JSONL files of {@link dev.thinkroute.core.Outcome}s, the training data of every router, with a
 * provenance sidecar that says where each file came from. {@link dev.thinkroute.learn.outcome.OutcomeLog} reads and
 * writes them; the importers of public outcome tables are in {@code dev.thinkroute.learn.outcome.importer}.
 */
package dev.thinkroute.learn.outcome;
