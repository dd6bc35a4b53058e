package dev.locality.cli;

import dev.locality.cli.connect.TemporalConnector;
import dev.locality.cli.inspect.PipelineInspector;
import dev.locality.worker.StageCatalog;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code locality} command: validate and run pipelines, inspect them, and run a worker or a
 * development server.
 *
 * <pre>
 * locality run SPEC [--set PATH=VALUE ...] [--id ID] [--wait|--watch] [--json] [--queue Q] [--embedded]
 *              [--plugins-dir DIR]
 * locality watch ID [--plain] [--json]
 * locality status ID [--json]
 * locality list [--running|--failed] [--limit N] [--json]
 * locality workers [--queue Q] [--json]
 * locality cancel ID [--no-wait] [--json]
 * locality batch SPEC --inputs FILE|GLOB [--parallel N] [--input-key PATH] [--json] [--plugins-dir DIR]
 * locality validate SPEC [--json] [--plugins-dir DIR]
 * locality stages [TYPE...] [--json|--markdown] [--plugins-dir DIR]
 * locality demo [--size 300MB] [--kill-worker-at STAGE]
 * locality worker [worker options]
 * locality server [--port 7233]
 * locality completion
 * </pre>
 *
 * <p>Exit codes ({@link ExitCodes}): 0 success, 1 pipeline failed or Temporal unreachable, 2
 * invalid spec or usage. Standard output carries only the command's output (one JSON object with
 * {@code --json}); notes, progress and logs go to standard error.
 *
 * <p>The Temporal connection follows {@link TemporalConnector}: temporal-envconfig settings ({@code
 * TEMPORAL_ADDRESS}, profiles), else a server on 127.0.0.1:7233, else (for {@code run}) an embedded
 * server and worker inside this process.
 */
@Command(
    name = "locality",
    mixinStandardHelpOptions = true,
    versionProvider = LocalityCli.Version.class,
    description = "Data-local ETL pipelines on Temporal: every stage of a pipeline on one worker.",
    subcommands = {
      RunCommand.class,
      WatchCommand.class,
      StatusCommand.class,
      ListCommand.class,
      WorkersCommand.class,
      CancelCommand.class,
      BatchCommand.class,
      ValidateCommand.class,
      SniffCommand.class,
      StagesCommand.class,
      DemoCommand.class,
      ServerCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  locality demo --kill-worker-at transform-csv      # see a failover, nothing to set up",
      "  locality run examples/zipcodes-north.yaml --watch",
      "  locality list --running",
      "  locality watch zipcodes-north-20261125-101500-3fa2",
      "  locality batch daily.yaml --inputs 'landing/*.csv.gz' --parallel 4",
      "",
      "Exit codes: 0 success, 1 pipeline failed or Temporal unreachable, 2 invalid spec or usage.",
      "Connection: TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE / TEMPORAL_PROFILE (as the Temporal CLI);"
          + " without them 127.0.0.1:7233, else (run, batch) an embedded server.",
      "Shell completion: source <(locality completion)"
    })
public final class LocalityCli implements Callable<Integer> {
  private final Map<String, String> env;
  private final TemporalConnector connector;

  @Spec CommandSpec spec;

  /**
   * @param env the environment to read connection settings from (normally {@code System.getenv()})
   */
  public LocalityCli(Map<String, String> env) {
    this.env = Map.copyOf(env);
    this.connector = TemporalConnector.fromEnvironment(this.env);
  }

  /**
   * Logback reads this resource instead of any {@code logback.xml} (the worker's logs to stdout).
   */
  static final String LOGBACK_CONFIG = "locality-cli-logback.xml";

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
    }
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int exitCode = execute(System.getenv(), out, err, args);
    out.flush();
    err.flush();
    System.exit(exitCode);
  }

  /**
   * Runs one command line in this process and returns its exit code; nothing calls {@code
   * System.exit}. Used by {@link #main} and by tests.
   */
  public static int execute(
      Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = commandLine(env, out, err);
    try {
      return commandLine.execute(args);
    } finally {
      commandLine.getOut().flush(); // the redacting writers hold an unfinished line
      commandLine.getErr().flush();
    }
  }

  /** The configured picocli command line, with every subcommand and the exit code mapping. */
  public static CommandLine commandLine(Map<String, String> env, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new LocalityCli(env));
    WorkerCommand.register(commandLine);
    commandLine.setOut(RedactingWriter.wrap(out)); // no URL secret in any command's output
    commandLine.setErr(RedactingWriter.wrap(err));
    commandLine.setExecutionExceptionHandler(new ErrorHandler());
    return commandLine;
  }

  /** {@code locality} without a subcommand: usage on stderr, exit 2. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  Map<String, String> env() {
    return env;
  }

  TemporalConnector connector() {
    return connector;
  }

  /**
   * The stages the CLI validates specs against: the built-ins plus the plugin jars in {@code
   * pluginsDir} (null: none; see {@link PluginsDirOption}), each in its own class loader as on a
   * worker, so a plugin's options are checked by the plugin's own declarations. The caller closes
   * it when it no longer validates.
   *
   * @throws dev.locality.worker.InvalidConfigurationException when the plugins directory is missing
   *     or a jar is broken
   */
  static StageCatalog stages(Path pluginsDir) {
    return StageCatalog.load(LocalityCli.class.getClassLoader(), pluginsDir);
  }

  /** Maps exceptions that escape a command to a message on stderr and an exit code. */
  static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(
        Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
      PrintWriter err = commandLine.getErr();
      if (e instanceof PipelineInspector.UnknownPipelineException
          || e instanceof dev.locality.worker.InvalidConfigurationException) {
        err.println("locality: " + e.getMessage());
        return ExitCodes.USAGE;
      }
      if (e instanceof TemporalConnector.NoServerException
          || e instanceof TemporalConnector.UnreachableServerException) {
        err.println("locality: " + e.getMessage());
        return ExitCodes.PIPELINE_FAILED;
      }
      io.grpc.StatusRuntimeException grpc = grpcCause(e);
      if (grpc != null) {
        io.grpc.Status.Code code = grpc.getStatus().getCode();
        if (code == io.grpc.Status.Code.UNAVAILABLE
            || code == io.grpc.Status.Code.DEADLINE_EXCEEDED) {
          err.println(
              "locality: lost the connection to Temporal ("
                  + grpc.getStatus().getCode()
                  + ": "
                  + grpc.getStatus().getDescription()
                  + "); check that the server at TEMPORAL_ADDRESS (or 127.0.0.1:7233) is up");
        } else {
          err.println("locality: Temporal call failed: " + grpc.getStatus());
        }
        return ExitCodes.PIPELINE_FAILED;
      }
      err.println("locality: " + e);
      for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
        err.println("  caused by: " + c);
      }
      return ExitCodes.PIPELINE_FAILED;
    }
  }

  private static io.grpc.StatusRuntimeException grpcCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof io.grpc.StatusRuntimeException grpc) return grpc;
    }
    return null;
  }

  /** Version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = LocalityCli.class.getPackage().getImplementationVersion();
      return new String[] {"locality " + (version == null ? "(development build)" : version)};
    }
  }
}
