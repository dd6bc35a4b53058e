package dev.locality.it.harness;

import java.util.Locale;
import org.testcontainers.DockerClientFactory;

/**
 * How the harness deploys Locality: {@link #CONTAINERS} (server and each worker in its own
 * container, see {@link ContainerCluster}) or {@link #PROCESSES} (server in the test JVM, workers
 * as child JVMs, see {@link Cluster}). Chosen by the system property {@code locality.it.mode}
 * ({@code containers} or {@code processes}); when it is unset or blank, containers if a Docker API
 * answers (DOCKER_HOST, e.g. the podman socket of {@code .ci/container-engine.sh}), else processes
 * — except in CI ({@code CI=true}), where an unreachable Docker API is an error.
 */
public enum ItMode {
  CONTAINERS,
  PROCESSES;

  private static volatile ItMode current;

  /** The mode of this test run (decided once per JVM). */
  public static ItMode current() {
    ItMode mode = current;
    if (mode == null) {
      synchronized (ItMode.class) {
        if (current == null) current = decide();
        mode = current;
      }
    }
    return mode;
  }

  private static ItMode decide() {
    String wanted = System.getProperty("locality.it.mode", "").trim().toLowerCase(Locale.ROOT);
    return switch (wanted) {
      case "containers", "container" -> CONTAINERS;
      case "processes", "process" -> PROCESSES;
      case "" -> {
        if (dockerReachable()) yield CONTAINERS;
        if (CiRequirements.isCi())
          throw new IllegalStateException(
              "CI=true requires container mode, but no Docker API answers: prepare one with"
                  + " .ci/container-engine.sh, or choose -Dlocality.it.mode=processes explicitly");
        yield PROCESSES;
      }
      default ->
          throw new IllegalArgumentException(
              "locality.it.mode must be containers or processes, not '" + wanted + "'");
    };
  }

  private static boolean dockerReachable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | Error e) {
      return false;
    }
  }

  /** The name used in summary lines: {@code container} or {@code process}. */
  public String label() {
    return this == CONTAINERS ? "container" : "process";
  }
}
