package dev.thinkroute.learn.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Centring and one global scaling of embeddings for the gradient-trained models. A unit-norm 384-dim embedding has
 * components of about ±0.05 around a shared mean direction; centred and scaled so the average feature variance is 1,
 * standard initialisations and one learning rate suit it. One scale for all features, not one per feature, keeps the
 * embedding's geometry: its low-variance directions are mostly noise, and per-feature scaling would amplify them (on
 * the LLMRouter table it was no better). The same float arithmetic runs in training and in prediction, so a model
 * predicts exactly the numbers it was validated with.
 */
record Standardizer(float[] mean, float inverseScale) {

    static Standardizer fit(TrainingSet set) {
        int d = set.dimension();
        int n = set.size();
        double[] sum = new double[d];
        for (float[] x : set.x()) for (int i = 0; i < d; i++) sum[i] += x[i];
        double[] mean = new double[d];
        for (int i = 0; i < d; i++) mean[i] = sum[i] / n;
        double sq = 0;
        for (float[] x : set.x()) {
            for (int i = 0; i < d; i++) {
                double c = x[i] - mean[i];
                sq += c * c;
            }
        }
        double rms = Math.sqrt(sq / ((double) n * d));
        float[] m = new float[d];
        for (int i = 0; i < d; i++) m[i] = (float) mean[i];
        // A single row (or identical rows) has no spread: leave the scale alone rather than divide by zero.
        return new Standardizer(m, (float) (rms > 0 ? 1 / rms : 1));
    }

    void apply(float[] x, float[] out) {
        for (int i = 0; i < mean.length; i++) out[i] = (x[i] - mean[i]) * inverseScale;
    }

    void write(ObjectNode weights) {
        WeightCodec.putFloats(weights, "input_mean", mean, mean.length);
        WeightCodec.putFloats(weights, "input_inverse_scale", new float[]{inverseScale}, 1);
    }

    static Standardizer read(JsonNode weights, int dimension) {
        return new Standardizer(WeightCodec.floats(weights, "input_mean", dimension), WeightCodec.floats(weights, "input_inverse_scale", 1)[0]);
    }
}
