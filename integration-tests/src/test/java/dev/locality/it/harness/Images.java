package dev.locality.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * Builds the container images of the integration tests from the repository's own Dockerfiles, over
 * {@link #baseImage()} (system property or env {@code LOCALITY_IT_BASE_IMAGE}; default {@code
 * localhost/locality-jre:17}, built by {@code .ci/container-engine.sh} without any registry). An
 * image is tagged with its jar's size and modification time, so an unchanged jar is not built
 * twice, and each is built once per JVM. Thread-safe.
 */
final class Images {
  private static final ConcurrentMap<String, String> BUILT = new ConcurrentHashMap<>();

  private Images() {}

  static String baseImage() {
    String base = System.getProperty("locality.it.baseImage");
    if (base == null || base.isBlank()) base = System.getenv("LOCALITY_IT_BASE_IMAGE");
    return base == null || base.isBlank() ? "localhost/locality-jre:17" : base;
  }

  /** The Temporal test server image: docker/server/Dockerfile over the CLI jar. */
  static String server() {
    return build(
        "locality-it-server",
        "docker/server/Dockerfile",
        HarnessPaths.cliJar(),
        "locality-cli.jar");
  }

  /** The worker image: docker/worker/Dockerfile over the shaded worker-app jar. */
  static String worker() {
    return build(
        "locality-it-worker",
        "docker/worker/Dockerfile",
        HarnessPaths.workerJar(),
        "locality-worker.jar");
  }

  private static String build(String name, String dockerfile, Path jar, String jarName) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("jar not found: " + jar + " (package it first)");
    }
    String tag;
    try {
      tag =
          HexFormat.of()
              .toHexDigits(
                  Files.size(jar)
                      ^ Files.getLastModifiedTime(jar).toMillis()
                      ^ baseImage().hashCode());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String image = "localhost/" + name + ":" + tag;
    return BUILT.computeIfAbsent(image, i -> buildIfMissing(i, dockerfile, jar, jarName));
  }

  private static String buildIfMissing(String image, String dockerfile, Path jar, String jarName) {
    try {
      DockerClientFactory.instance().client().inspectImageCmd(image).exec();
      return image;
    } catch (RuntimeException missing) {
      // build it below
    }
    Path file =
        HarnessPaths.repoRoot().resolve("integration-tests/src/test/resources/" + dockerfile);
    long start = System.nanoTime();
    String built =
        new ImageFromDockerfile(image, false)
            .withFileFromPath("Dockerfile", file)
            .withFileFromPath(jarName, jar)
            .withBuildArg("BASE_IMAGE", baseImage())
            .get();
    ItSummary.measured("image-build", image + " ms=" + (System.nanoTime() - start) / 1_000_000);
    return built;
  }
}
