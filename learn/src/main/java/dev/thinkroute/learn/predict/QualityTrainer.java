package dev.thinkroute.learn.predict;

/**
 * Fits a {@link QualityModel}. Deterministic for a given seed. Hyper-parameters that need choosing (k of kNN, the
 * number of epochs) are chosen on {@code validation}; when it is {@code null} the trainer holds out part of
 * {@code train} itself (seeded).
 */
public interface QualityTrainer {

    String kind();

    QualityModel fit(TrainingSet train, TrainingSet validation, long seed);
}
