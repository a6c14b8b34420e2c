package dev.thinkroute.llm.replay;

import dev.thinkroute.core.Dialect;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Prices;
import dev.thinkroute.core.ThinkingSupport;

import java.nio.file.Path;

/** Shared fixtures: the real table, found the way the CLI finds it. */
final class Tables {

    static final String JANET = "Janet’s ducks lay 16 eggs per day. She eats three for breakfast every morning and "
            + "bakes muffins for her friends every day with four. She sells the remainder at the farmers' market daily "
            + "for $2 per fresh duck egg. How much in dollars does she make every day at the farmers' market?";

    static final String HEADER = "prompt,mistralai/Mixtral-8x7B-Instruct-v0.1,gpt-4-1106-preview,"
            + "mistralai/Mixtral-8x7B-Instruct-v0.1_response,gpt-4-1106-preview_response\n";

    private Tables() {
    }

    /** The datasets root; fails (never skips) with DataLocation's message when the data is absent. */
    static Path dataRoot() {
        return DataLocation.resolve((Path) null).root();
    }

    static OutcomeTable gsm8k() {
        return RecordedTables.open(RouteLlmGsm8kTable.NAME, dataRoot());
    }

    static ModelCard card(String name, String recordedModel) {
        return new ModelCard(name, Dialect.REPLAY, null, null, recordedModel, Prices.FREE, null, 0,
                ThinkingSupport.NONE, "", RouteLlmGsm8kTable.NAME);
    }
}
