package dev.locality.activities.stages.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The worker setting {@value #SETTING}: absolute directories that {@code file:} URLs may read from,
 * separated by commas or the platform path separator. Unset means every path is allowed. Immutable.
 */
public final class AllowedFileRoots {
  public static final String SETTING = "allowedFileRoots";

  private final List<Path> roots;

  private AllowedFileRoots(List<Path> roots) {
    this.roots = roots;
  }

  /**
   * Parses the setting's value.
   *
   * @throws IllegalStateException when a root is not absolute (a worker misconfiguration)
   */
  public static AllowedFileRoots parse(Optional<String> setting) {
    if (setting.isEmpty() || setting.get().isBlank()) return new AllowedFileRoots(null);
    List<Path> roots = new ArrayList<>();
    for (String part : setting.get().split("[," + File.pathSeparator + "]")) {
      String trimmed = part.trim();
      if (trimmed.isEmpty()) continue;
      Path root = Path.of(trimmed);
      if (!root.isAbsolute())
        throw new IllegalStateException(
            "worker setting " + SETTING + ": '" + trimmed + "' is not an absolute path");
      roots.add(canonical(root));
    }
    return new AllowedFileRoots(List.copyOf(roots));
  }

  /** Whether every path is allowed (the setting is unset). */
  public boolean allowsAll() {
    return roots == null;
  }

  /** Whether {@code path} (resolved through symbolic links when it exists) lies under a root. */
  public boolean allows(Path path) {
    if (roots == null) return true;
    Path candidate = canonical(path);
    return roots.stream().anyMatch(candidate::startsWith);
  }

  @Override
  public String toString() {
    return roots == null ? "(all)" : roots.toString();
  }

  private static Path canonical(Path path) {
    Path normal = path.toAbsolutePath().normalize();
    try {
      return Files.exists(normal) ? normal.toRealPath() : normal;
    } catch (IOException e) {
      return normal;
    }
  }
}
