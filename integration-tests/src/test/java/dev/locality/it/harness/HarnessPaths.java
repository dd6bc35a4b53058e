package dev.locality.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the harness finds the built jars and writes its files. The Failsafe configuration in {@code
 * integration-tests/pom.xml} sets the system properties; the defaults serve a run from an IDE in
 * the module directory after a {@code ./mvnw package}.
 */
public final class HarnessPaths {
  private HarnessPaths() {}

  /** The repository root ({@code locality.repo.root}). */
  public static Path repoRoot() {
    return Path.of(System.getProperty("locality.repo.root", "..")).toAbsolutePath().normalize();
  }

  /** The shaded worker-app jar ({@code locality.worker.jar}). */
  public static Path workerJar() {
    String jar = System.getProperty("locality.worker.jar");
    if (jar != null) return Path.of(jar).toAbsolutePath().normalize();
    return repoRoot().resolve("worker-app/target/locality-worker-app-0.1.0-SNAPSHOT-all.jar");
  }

  /** The shaded starter-app (CLI) jar ({@code locality.cli.jar}). */
  public static Path cliJar() {
    String jar = System.getProperty("locality.cli.jar");
    if (jar != null) return Path.of(jar).toAbsolutePath().normalize();
    return repoRoot().resolve("starter-app/target/locality-starter-app-0.1.0-SNAPSHOT-all.jar");
  }

  /** The committed example data ({@code examples/data}). */
  public static Path exampleData() {
    return repoRoot().resolve("examples/data");
  }

  /**
   * A fresh directory for one cluster or test under {@code locality.it.dir} (the module's build
   * directory in a Maven run), kept after the run for its logs.
   */
  public static Path newRunDir(String name) {
    try {
      String base = System.getProperty("locality.it.dir");
      Path parent =
          base == null
              ? Files.createTempDirectory("locality-it")
              : Files.createDirectories(Path.of(base));
      return Files.createTempDirectory(parent, name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a run directory", e);
    }
  }
}
