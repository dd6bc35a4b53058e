package dev.locality.activities.stages.internal;

import dev.locality.stage.Artifact;
import java.util.ArrayList;
import java.util.List;

/**
 * Names outputs after inputs: each input's path relative to the deepest directory all inputs share.
 * One input {@code stages/1/sales.csv} gives {@code sales.csv}; inputs {@code x/2023/a.csv} and
 * {@code x/2024/a.csv} give {@code 2023/a.csv} and {@code 2024/a.csv}, so nested names do not
 * collide.
 */
public final class ArtifactNames {
  private ArtifactNames() {}

  /** The relative names, in input order. */
  public static List<String> relativeToCommonParent(List<Artifact> artifacts) {
    if (artifacts.isEmpty()) return List.of();
    String common = parentOf(artifacts.get(0).path());
    for (Artifact a : artifacts) {
      while (!common.isEmpty() && !a.path().startsWith(common + "/")) {
        common = parentOf(common);
      }
    }
    List<String> names = new ArrayList<>();
    for (Artifact a : artifacts) {
      names.add(common.isEmpty() ? a.path() : a.path().substring(common.length() + 1));
    }
    return names;
  }

  private static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }
}
