package dev.locality.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * A plugins directory holding the sql stage laid out as {@code stages/sql-duckdb} packages it
 * ({@code locality-stage-sql.jar} whose manifest {@code Class-Path} names {@code
 * locality-stage-sql-lib/duckdb_jdbc-VERSION.jar}, and that jar), built from the module's compiled
 * classes and the driver in the local Maven repository (a symbolic link, not a copy of its 80 MB),
 * so that tests run after {@code test} as well as after {@code package}. Paths come from the system
 * properties the build sets: {@code locality.sql.plugin.classes}, {@code
 * locality.sql.plugin.driver}.
 */
final class SqlPlugin {
  static final String LIB = "locality-stage-sql-lib";

  private SqlPlugin() {}

  /** Creates the plugins directory {@code dir} (which must not exist) and returns it. */
  static Path directory(Path dir) {
    Path classes = Path.of(System.getProperty("locality.sql.plugin.classes"));
    Path driver = Path.of(System.getProperty("locality.sql.plugin.driver"));
    if (!Files.isDirectory(classes) || !Files.isRegularFile(driver))
      throw new IllegalStateException(
          "build stages/sql-duckdb first: " + classes + " or " + driver + " is missing");
    try {
      Files.createDirectories(dir.resolve(LIB));
      Files.createSymbolicLink(dir.resolve(LIB).resolve(driver.getFileName()), driver);
      Manifest manifest = new Manifest();
      manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
      manifest
          .getMainAttributes()
          .put(Attributes.Name.CLASS_PATH, LIB + "/" + driver.getFileName());
      try (OutputStream file = Files.newOutputStream(dir.resolve("locality-stage-sql.jar"));
          JarOutputStream jar = new JarOutputStream(file, manifest);
          Stream<Path> walk = Files.walk(classes)) {
        List<Path> files = walk.filter(Files::isRegularFile).sorted().toList();
        for (Path f : files) {
          jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
          Files.copy(f, jar);
          jar.closeEntry();
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
