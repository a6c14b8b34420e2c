package dev.thinkroute.learn.predict;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A trained predictor of quality: for a query embedding, the expected score of each arm, in [0, 1], in the arm order
 * of the data it was trained on. Immutable and thread-safe: the gateway calls it from many request threads.
 */
public interface QualityModel {

    /** The registered kind, e.g. {@code knn}, {@code mlp}, {@code mf}; names the trainer that made it. */
    String kind();

    int armCount();

    /** Expected quality per arm for one query embedding (L2-normalised, as the encoder gives it). */
    double[] predict(float[] embedding);

    /** The hyper-parameters chosen, for reports and provenance. */
    ObjectNode hyperParameters();

    /** Everything needed to rebuild this model: hyper-parameters and weights; read back by {@link QualityModels#fromJson}. */
    ObjectNode toJson();
}
