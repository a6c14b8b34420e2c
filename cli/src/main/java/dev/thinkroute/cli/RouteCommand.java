package dev.thinkroute.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.Decision;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.gateway.chat.ApiException;
import dev.thinkroute.gateway.chat.ArmSelector;
import dev.thinkroute.gateway.chat.ChatRequest;
import dev.thinkroute.gateway.chat.ChatRequestParser;
import dev.thinkroute.gateway.config.GatewayConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;

import dev.thinkroute.learn.router.LearnedRouter;

import java.io.PrintWriter;
import java.util.Locale;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code thinkroute route}: the decision for one question, without calling any model. */
@Command(name = "route", mixinStandardHelpOptions = true,
        description = "Print which arm would answer a question, and why. Calls no model.")
final class RouteCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "YAML config: models, profiles, server settings.")
    Path config;

    @Option(names = {"-m", "--model"}, defaultValue = "auto", description = "A profile or model name, as a client would put in 'model' (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = {"-t", "--thinking"}, description = "Force a thinking setting: off, on, on@<tokens>, low, medium, high.")
    String thinking;

    @Parameters(index = "0", paramLabel = "QUESTION", description = "The user message; a trailing /think or /no_think works as in the gateway.")
    String question;

    @Override
    public Integer call() {
        GatewayConfig cfg = Setup.load(config);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", question);
        if (thinking != null) body.putObject("routing").put("thinking", thinking);
        try {
            ChatRequest request = ChatRequestParser.parse(body.toString().getBytes(StandardCharsets.UTF_8));
            ArmSelector.Selection selection = new ArmSelector(cfg.pool(), cfg.profiles()).select(request);
            Decision d = selection.decision();
            ModelCard card = cfg.pool().require(d.arm().model());
            PrintWriter out = spec.commandLine().getOut();
            out.println("arm:     " + d.arm().label());
            out.println("reason:  " + d.reason().code());
            out.println("why:     " + d.reason().detail());
            if (selection.profile() != null) out.println("profile: " + selection.profile());
            out.printf("price:   $%s in / $%s out per 1M tokens (%s, %s)%n",
                    card.prices().inputPerMillion(), card.prices().outputPerMillion(), card.dialect().label(),
                    card.baseUrl() == null ? "table " + card.table() : card.baseUrl());
            if (selection.profile() != null && cfg.profiles().get(selection.profile()).router() instanceof LearnedRouter learned) {
                LearnedRouter.Predictions p = learned.predict(request.query().text());
                out.printf(Locale.ROOT, "predictions of router '%s' (%s, α=%.4g; utility = quality − α·cost/%s):%n", learned.name(),
                        learned.qualityModel().kind(), p.alpha(), String.format(Locale.ROOT, "$%.6f", learned.policy().costScale()));
                out.printf(Locale.ROOT, "  %-45s %8s %12s %9s%n", "arm", "quality", "cost", "utility");
                for (int a = 0; a < p.arms().size(); a++) {
                    out.printf(Locale.ROOT, "%s %-45s %8.4f %12s %9.4f%n", a == p.chosen() ? "*" : " ", p.arms().get(a).label(),
                            p.quality()[a], String.format(Locale.ROOT, "$%.7f", p.cost()[a]), p.utility()[a]);
                }
            }
            return 0;
        } catch (ApiException e) {
            String where = "routing.thinking".equals(e.param()) ? "--thinking" : "routing.model".equals(e.param()) || "model".equals(e.param()) ? "--model" : e.param();
            throw new CliException(e.getMessage() + (where == null ? "" : " (" + where + ")"));
        }
    }
}
