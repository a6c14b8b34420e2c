package dev.thinkroute.eval.dataset;

import java.util.List;

/** The examples read, and one {@code file:line: why} per row left out. */
public record Loaded(String dataset, List<Example> examples, List<String> skipped) {
    public Loaded {
        examples = List.copyOf(examples);
        skipped = List.copyOf(skipped);
    }
}
