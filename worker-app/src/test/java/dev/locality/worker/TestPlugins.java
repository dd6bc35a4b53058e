package dev.locality.worker;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** Builds plugin jars for tests. */
final class TestPlugins {
  private TestPlugins() {}

  /**
   * The example plugin's compiled classes, which the build provides (worker-app's surefire
   * configuration points {@code locality.example.plugin.classes} at them).
   */
  static Path exampleClasses() {
    String dir = System.getProperty("locality.example.plugin.classes");
    if (dir == null || !Files.isDirectory(Path.of(dir)))
      throw new IllegalStateException(
          "the example plugin's classes are missing ("
              + dir
              + "): build with Maven, which compiles examples/csv-to-jsonl-stage first");
    return Path.of(dir);
  }

  /** Packs the example plugin into {@code jar}, as {@code mvn package} would. */
  static Path exampleJar(Path jar) throws IOException {
    Path classes = exampleClasses();
    Files.createDirectories(jar.getParent());
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, out);
        out.closeEntry();
      }
    }
    return jar;
  }

  /** A jar with exactly these entries (name to content). */
  static Path jar(Path jar, Map<String, String> entries) throws IOException {
    Files.createDirectories(jar.getParent());
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      for (Map.Entry<String, String> e : entries.entrySet()) {
        out.putNextEntry(new JarEntry(e.getKey()));
        out.write(e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return jar;
  }

  static List<String> lines(String text) {
    return text.lines().toList();
  }
}
