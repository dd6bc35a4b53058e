package dev.locality.activities.stages.internal;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Glob patterns selecting archive entries. A pattern with a {@code /} matches the entry's whole
 * path ({@code data/**}{@code .csv}); one without matches the entry's file name ({@code *.csv}
 * matches {@code a/b/x.csv}). An entry is included when any pattern matches; no patterns include
 * everything. Immutable and thread-safe.
 */
public final class EntryGlobs {
  private final List<PathMatcher> pathMatchers;
  private final List<PathMatcher> nameMatchers;

  private EntryGlobs(List<PathMatcher> pathMatchers, List<PathMatcher> nameMatchers) {
    this.pathMatchers = pathMatchers;
    this.nameMatchers = nameMatchers;
  }

  /**
   * Compiles the patterns.
   *
   * @throws IllegalArgumentException naming the first pattern that is not a valid glob
   */
  public static EntryGlobs of(List<String> patterns) {
    List<PathMatcher> paths = new ArrayList<>();
    List<PathMatcher> names = new ArrayList<>();
    for (String pattern : patterns == null ? List.<String>of() : patterns) {
      PathMatcher matcher;
      try {
        matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "'" + pattern + "' is not a valid glob: " + e.getMessage(), e);
      }
      (pattern.contains("/") ? paths : names).add(matcher);
    }
    return new EntryGlobs(List.copyOf(paths), List.copyOf(names));
  }

  /** A validator message for the patterns, or null when they compile. */
  public static String problemWith(List<String> patterns) {
    try {
      of(patterns);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  public boolean includes(String entryName) {
    if (pathMatchers.isEmpty() && nameMatchers.isEmpty()) return true;
    Path path = Path.of(entryName);
    Path fileName = path.getFileName();
    return pathMatchers.stream().anyMatch(m -> m.matches(path))
        || (fileName != null && nameMatchers.stream().anyMatch(m -> m.matches(fileName)));
  }
}
