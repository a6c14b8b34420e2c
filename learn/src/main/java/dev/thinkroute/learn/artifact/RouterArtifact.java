package dev.thinkroute.learn.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.Arm;
import dev.thinkroute.core.route.CostAwarePolicy;
import dev.thinkroute.learn.embed.Encoder;
import dev.thinkroute.learn.predict.QualityModel;
import dev.thinkroute.learn.predict.QualityModels;
import dev.thinkroute.learn.router.CostModel;
import dev.thinkroute.learn.router.LearnedRouter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A trained router as one JSON file: the encoder it expects, the arms, the quality and cost models, the policy
 * (α and the cost scale), the calibration that chose α, and the provenance (data files and hashes, trainer,
 * hyper-parameters, seed, date, metrics), so a result can be traced to how it was made and reproduced.
 *
 * @param calibration free-form JSON: the target, the α chosen and what it achieved on out-of-fold predictions
 * @param provenance  free-form JSON: data files with SHA-256, seed, folds, command, date, metrics
 */
public record RouterArtifact(String name, String encoderId, int dimension, List<Arm> arms, QualityModel quality,
                             CostModel cost, CostAwarePolicy policy, ObjectNode calibration, ObjectNode provenance) {

    /** Written in every artifact; a reader refuses other formats with a clear message. */
    public static final String FORMAT = "thinkroute-router/1";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public RouterArtifact {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(encoderId, "encoderId");
        arms = List.copyOf(arms);
        Objects.requireNonNull(quality, "quality");
        Objects.requireNonNull(cost, "cost");
        Objects.requireNonNull(policy, "policy");
        if (calibration == null) calibration = JsonNodeFactory.instance.objectNode();
        if (provenance == null) provenance = JsonNodeFactory.instance.objectNode();
    }

    /** The router this artifact describes, over the given encoder (which must be the one it was trained with). */
    public LearnedRouter router(Encoder encoder, boolean[] allowed) {
        if (!encoder.id().equals(encoderId) || encoder.dimension() != dimension) {
            throw new IllegalArgumentException("router '" + name + "' was trained with encoder " + encoderId + " (" + dimension
                    + " dims), not " + encoder.id() + " (" + encoder.dimension() + " dims)");
        }
        return new LearnedRouter(name, arms, encoder, quality, cost, policy, allowed);
    }

    public RouterArtifact withPolicy(CostAwarePolicy newPolicy, ObjectNode newCalibration) {
        return new RouterArtifact(name, encoderId, dimension, arms, quality, cost, newPolicy, newCalibration, provenance);
    }

    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("format", FORMAT);
        root.put("name", name);
        ObjectNode enc = root.putObject("encoder");
        enc.put("id", encoderId);
        enc.put("dimension", dimension);
        enc.put("embeds", "the last user message; when over 256 word pieces, its end");
        ArrayNode a = root.putArray("arms");
        arms.forEach(arm -> a.add(arm.label()));
        root.set("quality_model", quality.toJson());
        root.set("cost_model", cost.toJson());
        ObjectNode p = root.putObject("policy");
        p.put("alpha", policy.alpha());
        p.put("cost_scale", policy.costScale());
        root.set("calibration", calibration);
        root.set("provenance", provenance);
        return root;
    }

    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), toJson());
        // Write-then-rename: a gateway reloading the file never reads half an artifact.
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** @throws IOException with the file and what is wrong when it is missing, not JSON or not a router artifact */
    public static RouterArtifact read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new IOException(Files.isDirectory(file) ? "router artifact " + file.toAbsolutePath() + " is a directory, not a file"
                    : "router artifact not found: " + file.toAbsolutePath());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException("router artifact " + file + " is not valid JSON: " + e.getOriginalMessage());
        }
        try {
            return fromJson(root);
        } catch (RuntimeException e) {
            throw new IOException("router artifact " + file + " is not usable: " + e.getMessage(), e);
        }
    }

    public static RouterArtifact fromJson(JsonNode root) {
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new IllegalArgumentException("format is '" + (root == null ? null : root.path("format").asText()) + "', expected '" + FORMAT + "'");
        }
        List<Arm> arms = new ArrayList<>();
        for (JsonNode a : root.path("arms")) arms.add(Arm.parse(a.asText()));
        if (arms.isEmpty()) throw new IllegalArgumentException("no arms");
        QualityModel quality = QualityModels.fromJson((ObjectNode) root.get("quality_model"));
        CostModel cost = CostModel.fromJson(root.path("cost_model"));
        if (quality.armCount() != arms.size() || cost.armCount() != arms.size()) {
            throw new IllegalArgumentException("it lists " + arms.size() + " arms but its quality model predicts " + quality.armCount()
                    + " and its cost model " + cost.armCount());
        }
        int dimension = root.path("encoder").path("dimension").asInt();
        if (dimension <= 0) throw new IllegalArgumentException("encoder.dimension must be a positive number, got " + root.path("encoder").path("dimension"));
        CostAwarePolicy policy = new CostAwarePolicy(root.path("policy").path("alpha").asDouble(), root.path("policy").path("cost_scale").asDouble());
        return new RouterArtifact(root.path("name").asText(), root.path("encoder").path("id").asText(),
                dimension, arms, quality, cost, policy,
                root.get("calibration") instanceof ObjectNode c ? c : null,
                root.get("provenance") instanceof ObjectNode p ? p : null);
    }
}
