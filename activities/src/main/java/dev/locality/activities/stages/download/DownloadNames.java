package dev.locality.activities.stages.download;

import dev.locality.stage.BadInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The names (paths relative to the output directory) a download's files get: each source's own name
 * ({@link MatchedSource#name()}: the URL's last segment, or the path relative to a glob's base),
 * unless two sources would get the same name or one name would be another's directory; then every
 * source in the clash is named by its full location ({@link MatchedSource#identity()}: {@code
 * bucket/key}, {@code host/path}, the local path without its leading {@code /}). Names therefore
 * depend only on the list of sources, never on timing, and are stable from one run to the next. A
 * URL listed twice is bad input. Stateless.
 */
final class DownloadNames {
  private DownloadNames() {}

  /**
   * The names of {@code sources}, in their order.
   *
   * @throws BadInputException when the same source is listed twice, or names stay ambiguous
   */
  static List<String> plan(List<MatchedSource> sources) {
    Map<String, MatchedSource> byIdentity = new HashMap<>();
    for (MatchedSource source : sources) {
      MatchedSource earlier = byIdentity.putIfAbsent(source.identity(), source);
      if (earlier != null) {
        throw new BadInputException(
            source.url() + " is listed twice (in 'urls' or matched by two globs); list it once");
      }
    }
    List<String> names = new ArrayList<>();
    for (MatchedSource source : sources) names.add(normal(source.name()));
    Set<String> clashing = clashes(names);
    if (clashing.isEmpty()) return List.copyOf(names);
    for (int i = 0; i < names.size(); i++) {
      if (clashing.contains(names.get(i))) names.set(i, normal(sources.get(i).identity()));
    }
    Set<String> still = clashes(names);
    if (!still.isEmpty()) {
      throw new BadInputException(
          "two sources would be stored under the same name " + still.iterator().next());
    }
    return List.copyOf(names);
  }

  /** Names that occur twice, or are a directory of another name. */
  private static Set<String> clashes(List<String> names) {
    Set<String> seen = new HashSet<>();
    Set<String> clashing = new HashSet<>();
    Set<String> directories = new HashSet<>();
    for (String name : names) {
      if (!seen.add(name)) clashing.add(name);
      for (Path p = Path.of(name).getParent(); p != null; p = p.getParent()) {
        directories.add(p.toString());
      }
    }
    for (String name : names) {
      if (directories.contains(name)) clashing.add(name);
    }
    if (!clashing.isEmpty()) {
      // a name under a clashing directory must move too
      for (String name : names) {
        for (Path p = Path.of(name).getParent(); p != null; p = p.getParent()) {
          if (clashing.contains(p.toString())) clashing.add(name);
        }
      }
    }
    return clashing;
  }

  /** A relative name without empty or leading segments ({@code a//b} is {@code a/b}). */
  private static String normal(String name) {
    String stripped = name;
    while (stripped.startsWith("/")) stripped = stripped.substring(1);
    return stripped.isEmpty() ? SourceUrl.DEFAULT_FILE_NAME : Path.of(stripped).toString();
  }
}
