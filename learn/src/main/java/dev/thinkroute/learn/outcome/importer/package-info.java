/**
 * Importers that turn the public outcome tables under the datasets folder (RouteLLM, LLMRouter, OpenAI's GSM8K
 * solutions) into outcome logs, by name through {@link dev.thinkroute.learn.outcome.importer.Importers}. Prices the
 * tables do not carry are in {@link dev.thinkroute.learn.outcome.importer.ListPrices}; answer lengths they do not
 * record are in {@link dev.thinkroute.learn.outcome.importer.AnswerLengths}.
 */
package dev.thinkroute.learn.outcome.importer;
