package dev.locality.cli;

import dev.locality.worker.WorkerMain;
import picocli.CommandLine;

/**
 * {@code locality worker}: the worker-app's own {@code locality-worker} command, mounted as a
 * subcommand so one jar serves both roles. Options, environment defaults ({@code LOCALITY_*}) and
 * behaviour (graceful drain on Ctrl-C / SIGTERM) are exactly those of {@link WorkerMain}.
 */
final class WorkerCommand {
  static final String NAME = "worker";

  private WorkerCommand() {}

  /** Adds the worker command under {@code locality worker}. */
  static void register(CommandLine locality) {
    CommandLine worker = WorkerMain.commandLine();
    worker.getCommandSpec().name(NAME); // usage says "locality worker", not "locality-worker"
    locality.addSubcommand(NAME, worker);
  }
}
