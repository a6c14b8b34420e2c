package dev.thinkroute.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code thinkroute} command. */
@Command(name = "thinkroute",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Hybrid-reasoning LLM router: answers each query with the cheapest (model, thinking) arm that gets it right.",
        subcommands = {DemoCommand.class, ServeCommand.class, RouteCommand.class, ImportCommand.class, TrainCommand.class,
                CalibrateCommand.class, CompareCommand.class, EvalCommand.class, ThinkCommand.class, CollectCommand.class, DataCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        Logging.configure();
        int code = commandLine().execute(args);
        System.exit(code);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // Expected failures (bad config, missing data) carry a message written for the user: no stack trace.
            if (e instanceof CliException ce) {
                cmd.getErr().println("error: " + ce.getMessage());
                return ce.exitCode();
            }
            cmd.getErr().println("error: " + e);
            e.printStackTrace(cmd.getErr());
            return 1;
        });
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"thinkroute " + (v == null ? "dev" : v)};
        }
    }
}
