package dev.locality.worker;

import dev.locality.stage.ByteSizes;
import dev.locality.stage.Durations;
import java.io.PrintStream;
import java.util.List;

/**
 * The start-up banner: what runs, where, with which limits and stages. Operators read it; the
 * process-mode test harness finds the unique queue and the {@code work dir} line in it, so keep
 * those two as they are. Stateless.
 */
final class Banner {
  private Banner() {}

  /**
   * @param httpPort the bound metrics/health port, or -1 for none
   */
  static void print(
      PrintStream out,
      LocalityWorker worker,
      WorkerConfiguration config,
      int httpPort,
      String target,
      String namespace) {
    WorkerConfig s = worker.settings();
    out.println(
        "Locality worker "
            + worker.workerId()
            + " started (version "
            + LocalityWorker.version()
            + ")");
    out.println("  shared queue  " + worker.sharedQueue() + "  (pipelines, session leases)");
    out.println("  unique queue  " + worker.uniqueQueue() + "  (stages)");
    out.println(
        "  limits        "
            + s.maxSessions()
            + " sessions, "
            + s.maxConcurrentStages()
            + " concurrent stages, drain timeout "
            + Durations.format(s.drainTimeout())
            + ", min free disk "
            + (s.minFreeDiskBytes() == 0 ? "off" : ByteSizes.format(s.minFreeDiskBytes()))
            + (worker.freeDiskBytes() < 0
                ? ""
                : " (free " + ByteSizes.format(roundDown(worker.freeDiskBytes())) + ")"));
    out.println("  work dir      " + worker.workDir());
    out.println("  runtime       " + runtime());
    List<String> stages = worker.catalog().bannerLines();
    for (int i = 0; i < stages.size(); i++)
      out.println((i == 0 ? "  stages        " : "                ") + stages.get(i));
    if (s.pluginsDir() != null) out.println("  plugins dir   " + s.pluginsDir().toAbsolutePath());
    if (!s.workerSettings().isEmpty()) out.println("  settings      " + s.workerSettings());
    out.println(
        "  http          "
            + (httpPort < 0
                ? "off (--metrics-port)"
                : ":" + httpPort + "  /metrics /healthz /readyz"));
    out.println("  temporal      " + target + ", namespace " + namespace);
    if (config != null && config.configFile() != null)
      out.println("  config file   " + config.configFile().toAbsolutePath());
    out.flush();
  }

  /**
   * The JVM the worker runs on, e.g. {@code Java 25.0.1+8-Debian-1 (OpenJDK 64-Bit Server VM,
   * /usr/lib/jvm/java-25-openjdk-amd64)}: the bytecode is Java 17, the runtime is whatever {@code
   * java} started it (the container image's JDK), and performance differs between them.
   */
  static String runtime() {
    return "Java "
        + Runtime.version()
        + " ("
        + System.getProperty("java.vm.name")
        + ", "
        + System.getProperty("java.home")
        + ")";
  }

  /** Free space rounded down to whole GiB or MiB, so the banner shows {@code 70g}. */
  private static long roundDown(long bytes) {
    for (long unit : new long[] {1L << 30, 1L << 20}) {
      if (bytes >= unit) return bytes / unit * unit;
    }
    return bytes;
  }
}
