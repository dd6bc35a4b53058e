package dev.locality.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * Builds the container images of the integration tests: the worker from the product Dockerfile
 * {@code worker-app/Dockerfile} (what users run), the Temporal test server from {@code
 * docker/server/Dockerfile} under the test resources. Both build over {@link #baseImage()} (system
 * property or env {@code LOCALITY_IT_BASE_IMAGE}; default {@code localhost/locality-jre:25}, a JDK
 * 25 runtime built by {@code .ci/container-engine.sh} without any registry) when that image exists
 * locally, else over the Dockerfile's own default. An image is tagged with a hash of its jar's size
 * and modification time, its Dockerfile and the base image's id, so an unchanged image is not built
 * twice, and each is built once per JVM. Thread-safe.
 */
final class Images {
  private static final ConcurrentMap<String, String> BUILT = new ConcurrentHashMap<>();
  private static final Pattern DEFAULT_BASE = Pattern.compile("(?m)^ARG BASE_IMAGE=(\\S+)");
  private static final Pattern LEADING_NUMBER = Pattern.compile("\\d+");

  private Images() {}

  static String baseImage() {
    String base = System.getProperty("locality.it.baseImage");
    if (base == null || base.isBlank()) base = System.getenv("LOCALITY_IT_BASE_IMAGE");
    return base == null || base.isBlank() ? "localhost/locality-jre:25" : base;
  }

  /**
   * The base image the worker image is built over: {@link #baseImage()} when it exists locally,
   * else the default of {@code ARG BASE_IMAGE} in {@code worker-app/Dockerfile}.
   */
  static String workerBaseImage() {
    if (exists(baseImage())) return baseImage();
    Path dockerfile = HarnessPaths.repoRoot().resolve("worker-app/Dockerfile");
    try {
      Matcher arg = DEFAULT_BASE.matcher(Files.readString(dockerfile));
      if (!arg.find()) throw new IllegalStateException("no ARG BASE_IMAGE=... in " + dockerfile);
      return arg.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The Java feature release an image's tag names: its leading number ({@code
   * localhost/locality-jre:25}, {@code eclipse-temurin:25-jre}), empty when the tag starts with
   * none.
   */
  static OptionalInt javaFeature(String image) {
    int colon = image.lastIndexOf(':');
    if (colon < image.lastIndexOf('/')) return OptionalInt.empty();
    Matcher number = LEADING_NUMBER.matcher(image.substring(colon + 1));
    return number.lookingAt()
        ? OptionalInt.of(Integer.parseInt(number.group()))
        : OptionalInt.empty();
  }

  /** The Temporal test server image: docker/server/Dockerfile over the CLI jar. */
  static String server() {
    Path dockerfile =
        HarnessPaths.repoRoot()
            .resolve("integration-tests/src/test/resources/docker/server/Dockerfile");
    return build(
        "locality-it-server", dockerfile, HarnessPaths.cliJar(), "locality-cli.jar", null, null);
  }

  /**
   * The worker image, built like the product's own instructions say: {@code worker-app/Dockerfile}
   * with {@code worker-app/} as the build context (of which only the Dockerfile, the shaded jar and
   * the plugins directory the package phase lays out next to it, {@code plugins/}, are sent) and
   * {@code --build-arg JAR=<the jar relative to worker-app/>}, {@code PLUGINS=<its directory>}.
   */
  static String worker() {
    Path context = HarnessPaths.repoRoot().resolve("worker-app");
    Path jar = HarnessPaths.workerJar();
    String relative =
        jar.startsWith(context)
            ? context.relativize(jar).toString().replace('\\', '/')
            : "locality-worker.jar";
    Path plugins = jar.resolveSibling("plugins");
    if (!Files.isDirectory(plugins))
      throw new IllegalStateException("plugins not found: " + plugins + " (package worker-app)");
    return build(
        "locality-it-worker", context.resolve("Dockerfile"), jar, relative, "JAR", plugins);
  }

  /**
   * @param jarName where the jar goes in the build context
   * @param jarArg the build argument that names the jar's place, or null when the Dockerfile has a
   *     fixed one
   * @param plugins the plugins directory sent as {@code plugins} (build argument {@code PLUGINS}),
   *     or null for none
   */
  private static String build(
      String name, Path dockerfile, Path jar, String jarName, String jarArg, Path plugins) {
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
                      ^ ((long) Files.readString(dockerfile).hashCode() << 32)
                      ^ baseImageId().hashCode()
                      ^ jarName.hashCode()
                      ^ ((long) treeHash(plugins) << 16));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String image = "localhost/" + name + ":" + tag;
    return BUILT.computeIfAbsent(
        image, i -> buildIfMissing(i, dockerfile, jar, jarName, jarArg, plugins));
  }

  /**
   * A hash of the names, sizes and modification times of the files under {@code dir}; 0 for null.
   */
  private static int treeHash(Path dir) throws IOException {
    if (dir == null) return 0;
    try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
      int hash = 1;
      for (Path f : walk.filter(Files::isRegularFile).sorted().toList())
        hash =
            31 * hash
                + (dir.relativize(f) + ":" + Files.size(f) + ":" + Files.getLastModifiedTime(f))
                    .hashCode();
      return hash;
    }
  }

  /**
   * The local base image's id, so that rebuilding it under the same name (a newer JDK) rebuilds the
   * images over it; its name when it does not exist here.
   */
  private static String baseImageId() {
    try {
      return DockerClientFactory.instance().client().inspectImageCmd(baseImage()).exec().getId();
    } catch (RuntimeException missing) {
      return baseImage();
    }
  }

  private static boolean exists(String image) {
    try {
      DockerClientFactory.instance().client().inspectImageCmd(image).exec();
      return true;
    } catch (RuntimeException missing) {
      return false;
    }
  }

  private static String buildIfMissing(
      String image, Path dockerfile, Path jar, String jarName, String jarArg, Path plugins) {
    if (exists(image)) return image;
    long start = System.nanoTime();
    ImageFromDockerfile build =
        new ImageFromDockerfile(image, false)
            .withFileFromPath("Dockerfile", dockerfile)
            .withFileFromPath(jarName, jar);
    if (jarArg != null) build.withBuildArg(jarArg, jarName);
    if (plugins != null)
      build.withFileFromPath("plugins", plugins).withBuildArg("PLUGINS", "plugins");
    if (exists(baseImage())) build.withBuildArg("BASE_IMAGE", baseImage());
    String built = build.get();
    ItSummary.measured("image-build", image + " ms=" + (System.nanoTime() - start) / 1_000_000);
    return built;
  }
}
