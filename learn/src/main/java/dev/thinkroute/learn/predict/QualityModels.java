package dev.thinkroute.learn.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The registry of quality predictors by kind: a trainer with default settings for each, and the reader of their JSON. */
public final class QualityModels {

    private static final List<String> KINDS = List.of(KnnModel.KIND, MlpModel.KIND, MfModel.KIND, ClusterModel.KIND, EnsembleModel.KIND);

    private QualityModels() {
    }

    /** The registered kinds: {@code knn}, {@code mlp}, {@code mf}, {@code cluster}, {@code ensemble}. */
    public static List<String> kinds() {
        return KINDS;
    }

    /** A trainer of the given kind with its default settings. */
    public static QualityTrainer trainer(String kind) {
        return switch (kind == null ? "" : kind) {
            case KnnModel.KIND -> new KnnTrainer();
            case MlpModel.KIND -> new MlpTrainer();
            case MfModel.KIND -> new MfTrainer();
            case ClusterModel.KIND -> new ClusterTrainer();
            case EnsembleModel.KIND -> new EnsembleTrainer();
            default -> throw new IllegalArgumentException("unknown quality model kind '" + kind + "'; known kinds: " + String.join(", ", KINDS));
        };
    }

    /** Rebuilds a model from its {@link QualityModel#toJson()}; it predicts exactly what the original did. */
    public static QualityModel fromJson(ObjectNode json) {
        if (json == null) throw new IllegalArgumentException("quality model JSON is missing");
        JsonNode kind = json.get("kind");
        String k = kind == null || !kind.isTextual() ? null : kind.textValue();
        if (k == null) throw new IllegalArgumentException("quality model JSON has no 'kind'; known kinds: " + String.join(", ", KINDS));
        return switch (k) {
            case KnnModel.KIND -> KnnModel.fromJson(json);
            case MlpModel.KIND -> MlpModel.fromJson(json);
            case MfModel.KIND -> MfModel.fromJson(json);
            case ClusterModel.KIND -> ClusterModel.fromJson(json);
            case EnsembleModel.KIND -> EnsembleModel.fromJson(json);
            default -> throw new IllegalArgumentException("unknown quality model kind '" + k + "'; known kinds: " + String.join(", ", KINDS));
        };
    }
}
