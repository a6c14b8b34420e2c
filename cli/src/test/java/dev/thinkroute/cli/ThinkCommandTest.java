package dev.thinkroute.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code think}'s argument checks, run through picocli directly (the command is registered in Main separately). */
class ThinkCommandTest {

    private static final AtomicReference<Exception> FAILED = new AtomicReference<>();

    private static CommandLine cli(StringWriter out, StringWriter err) {
        CommandLine cli = new CommandLine(new ThinkCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        FAILED.set(null);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            FAILED.set(e);
            return 2;
        });
        return cli;
    }

    @Test
    void anUnsupportedDatasetIsRefusedNamingTheSupportedOne() {
        assertThat(cli(new StringWriter(), new StringWriter()).execute("--dataset", "routellm-gsm8k")).isEqualTo(2);
        assertThat(FAILED.get()).isInstanceOf(CliException.class).hasMessageContaining("routellm-gsm8k").hasMessageContaining("openai-gsm8k");
    }

    @Test
    void anUnknownPredictorIsRefused() {
        assertThat(cli(new StringWriter(), new StringWriter()).execute("--predictor", "forest")).isEqualTo(2);
        assertThat(FAILED.get()).isInstanceOf(CliException.class).hasMessageContaining("forest").hasMessageContaining("ensemble");
    }

    @Test
    void helpListsTheOptions() {
        StringWriter out = new StringWriter();
        int code = cli(out, new StringWriter()).execute("--help");
        assertThat(code).isZero();
        assertThat(out.toString()).contains("--dataset", "--folds", "--seed", "--delta", "--predictor", "--cache", "--out");
    }
}
