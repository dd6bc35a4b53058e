package dev.locality.cli.inspect;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Daemon threads for blocking calls the CLI bounds with a timeout (a query no worker answers): an
 * abandoned call must not keep the process alive.
 */
public final class DaemonThreads {
  public static final ExecutorService EXECUTOR =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "locality-cli-call");
            thread.setDaemon(true);
            return thread;
          });

  private DaemonThreads() {}
}
