package dev.thinkroute.eval.dataset;

import java.nio.file.Path;

/** A benchmark: where its file is under the datasets root, how to read it, and which scorer judges it. */
public interface Dataset {

    /** The registered name, e.g. {@code gsm8k}, {@code math500}, {@code hotpotqa}. */
    String name();

    /** The scorer's name (see the eval.score registry): {@code math}, {@code qa-f1}, {@code qa-em}, {@code choice}. */
    String scorer();

    /** Reads the examples; every row without a question or an answer is reported (file:line: why) and skipped. */
    Loaded load(Path dataRoot);
}
