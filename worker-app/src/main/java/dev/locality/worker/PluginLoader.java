package dev.locality.worker;

import dev.locality.stage.Stage;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the stages of a worker: the built-in ones through {@link ServiceLoader} on the application
 * class loader, and those of each {@code *.jar} in a plugins directory through a {@link
 * URLClassLoader} of its own whose parent is the application class loader (so every plugin sees the
 * Locality API and the worker's libraries, and plugins cannot see each other). Jars load in file
 * name order. Only stages whose class the jar itself defines count as the jar's: the built-ins,
 * visible through the parent, are not found twice. Problems (an unreadable directory, a jar whose
 * service entry names a missing or broken class) are collected, not thrown one by one. Not
 * thread-safe; used once at start-up.
 */
final class PluginLoader {
  private static final Logger log = LoggerFactory.getLogger(PluginLoader.class);

  /** A stage and where it came from. */
  record Found(Stage stage, String source, ClassLoader loader) {}

  private final List<String> problems = new ArrayList<>();
  private final List<URLClassLoader> loaders = new ArrayList<>();
  private final List<Found> found = new ArrayList<>();

  List<String> problems() {
    return problems;
  }

  /** The class loaders opened for plugin jars; close them when the stages are no longer used. */
  List<URLClassLoader> loaders() {
    return loaders;
  }

  List<Found> found() {
    return found;
  }

  void loadBuiltIns(ClassLoader app) {
    try {
      for (ServiceLoader.Provider<Stage> provider :
          ServiceLoader.load(Stage.class, app).stream().toList()) {
        add(provider, StageCatalog.BUILT_IN, app);
      }
    } catch (ServiceConfigurationError | LinkageError e) {
      problems.add("built-in stages: " + e.getMessage());
    }
  }

  void loadPlugins(Path dir, ClassLoader parent) {
    if (!Files.isDirectory(dir)) {
      problems.add("plugins directory " + dir + " does not exist or is not a directory");
      return;
    }
    List<Path> jars;
    try (Stream<Path> files = Files.list(dir)) {
      jars =
          files
              .filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
              .sorted()
              .toList();
    } catch (IOException e) {
      problems.add("plugins directory " + dir + " cannot be read: " + e);
      return;
    }
    for (Path jar : jars) loadJar(jar.toAbsolutePath().normalize(), parent);
  }

  private void loadJar(Path jar, ClassLoader parent) {
    URLClassLoader loader;
    try {
      loader =
          new URLClassLoader(
              "plugin:" + jar.getFileName(), new URL[] {jar.toUri().toURL()}, parent);
    } catch (MalformedURLException e) {
      problems.add("plugin " + jar + ": " + e.getMessage());
      return;
    }
    loaders.add(loader);
    int before = found.size();
    try {
      for (ServiceLoader.Provider<Stage> provider :
          ServiceLoader.load(Stage.class, loader).stream().toList()) {
        if (provider.type().getClassLoader() != loader) continue; // a built-in, seen via parent
        add(provider, jar.toString(), loader);
      }
    } catch (ServiceConfigurationError | LinkageError e) {
      problems.add("plugin " + jar + ": cannot load its stages: " + rootMessage(e));
      return;
    }
    if (found.size() == before)
      log.warn(
          "plugin {} provides no stage (no META-INF/services/{} entry of its own)",
          jar,
          Stage.class.getName());
  }

  private void add(ServiceLoader.Provider<Stage> provider, String source, ClassLoader loader) {
    String where = source.equals(StageCatalog.BUILT_IN) ? "built-in stage" : "plugin " + source;
    Stage stage;
    try {
      stage = provider.get();
    } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
      problems.add(where + ": cannot create " + provider.type().getName() + ": " + rootMessage(e));
      return;
    }
    String type;
    try {
      type = stage.type();
      stage.options(); // declarations are built eagerly: fail here, not on the first pipeline
    } catch (RuntimeException | LinkageError e) {
      problems.add(where + ": " + stage.getClass().getName() + " is broken: " + rootMessage(e));
      return;
    }
    if (type == null || !type.matches("[a-z0-9][a-z0-9._-]*")) {
      problems.add(
          where
              + ": "
              + stage.getClass().getName()
              + " declares the type '"
              + type
              + "' (use lower-case letters, digits and dashes)");
      return;
    }
    found.add(new Found(stage, source, loader));
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
  }
}
