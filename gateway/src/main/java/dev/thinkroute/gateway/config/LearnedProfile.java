package dev.thinkroute.gateway.config;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Pool;
import dev.thinkroute.core.route.CostAwarePolicy;
import dev.thinkroute.core.route.Profile;
import dev.thinkroute.learn.artifact.RouterArtifact;
import dev.thinkroute.learn.router.Encoders;
import dev.thinkroute.learn.router.LearnedRouter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A profile backed by a trained router artifact ({@code router: FILE}, optional {@code alpha} overriding the
 * calibrated one). The artifact's arms name models as its training data did; each is matched to the pool by card
 * name, then by {@code upstream_model}, so a router trained on {@code mistralai/Mixtral-8x7B-Instruct-v0.1} serves a
 * card named {@code mixtral} that sends that upstream model. Arms the pool cannot serve are never chosen.
 */
final class LearnedProfile {

    static final List<String> KEYS = List.of("description", "router", "alpha");

    private LearnedProfile() {
    }

    static Optional<Profile> read(Section p, String name, ModelsSection.Result models, Path source) {
        int before = p.problems().count();
        p.allowOnly(KEYS);
        String description = p.text("description").orElse("");
        Optional<String> file = p.string("router");
        OptionalDouble alpha = p.number("alpha", v -> v >= 0 && Double.isFinite(v), "a number >= 0 (0: best quality at any cost)");
        if (file.isEmpty() || p.problems().count() != before) return Optional.empty();

        Path base = source.toAbsolutePath().getParent();
        Path path = Path.of(file.get());
        Path resolved = (path.isAbsolute() || base == null ? path : base.resolve(path)).normalize();
        RouterArtifact artifact;
        try {
            artifact = RouterArtifact.read(resolved);
        } catch (IOException e) {
            p.report("router", e.getMessage());
            return Optional.empty();
        }
        Pool pool = new Pool(models.cards());
        List<Arm> served = new ArrayList<>();
        boolean[] allowed = new boolean[artifact.arms().size()];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < artifact.arms().size(); i++) {
            Arm trained = artifact.arms().get(i);
            Optional<ModelCard> card = pool.card(trained.model())
                    .or(() -> models.cards().stream().filter(c -> c.upstreamModel().equals(trained.model())).findFirst());
            Arm arm = new Arm(card.map(ModelCard::name).orElse(trained.model()), trained.thinking());
            served.add(arm);
            allowed[i] = card.isPresent() && pool.problemWith(arm).isEmpty();
            if (!allowed[i]) missing.add(trained.label());
        }
        if (missing.size() == allowed.length) {
            p.report("router", "none of the router's arms (" + String.join(", ", missing) + ") is served by this config's models; "
                    + "add model cards whose name or upstream_model matches them");
            return Optional.empty();
        }
        CostAwarePolicy policy = alpha.isPresent() ? artifact.policy().withAlpha(alpha.getAsDouble()) : artifact.policy();
        LearnedRouter router = new LearnedRouter(artifact.name(), served, Encoders.shared(), artifact.quality(), artifact.cost(), policy, allowed);
        String note = missing.isEmpty() ? "" : " (arms not in the pool, never chosen: " + String.join(", ", missing) + ")";
        return Optional.of(new Profile(name, description.isEmpty()
                ? "learned router '" + artifact.name() + "' from " + resolved.getFileName() + ", α=" + policy.alpha() + note
                : description, router));
    }
}
