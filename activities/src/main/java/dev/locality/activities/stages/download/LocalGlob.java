package dev.locality.activities.stages.download;

import dev.locality.activities.stages.internal.FileContainment;
import dev.locality.stage.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Expands a {@code file://} glob ({@link SourcePattern}) to the files it matches, sorted by path.
 *
 * <p><b>Containment:</b> the glob's base directory passes {@link FileContainment#check} (allowed
 * roots, never {@code /proc}, {@code /sys}, {@code /dev} or the worker's own directories, also not
 * through a symbolic link) before it is listed; the walk stays inside that real directory and never
 * follows a link (a linked directory is not descended). A matching symbolic link to a file is
 * listed, and its download checks it again like any {@code file:} URL: a link that leads out of the
 * allowed roots is refused then, naming it. Directories never match. Stateless and thread-safe.
 */
final class LocalGlob {
  private LocalGlob() {}

  /**
   * The files {@code pattern} matches.
   *
   * @param limit the most matches allowed; more is bad input naming the pattern
   * @throws BadInputException when the base is refused or missing, or too many files match
   */
  static List<MatchedSource> expand(SourcePattern pattern, FileContainment files, int limit)
      throws IOException {
    String what = "the base directory " + pattern.base() + " of glob " + pattern;
    Path base = files.check(Path.of(pattern.base()), what);
    if (!Files.isDirectory(base)) {
      throw new BadInputException(what + " does not exist or is not a directory");
    }
    PathMatcher matcher = pattern.matcher();
    int depth = pattern.crossesSegments() ? Integer.MAX_VALUE : pattern.segments();
    List<Path> matched = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(base, depth)) {
      walk.forEach(
          path -> {
            Path relative = base.relativize(path);
            if (relative.toString().isEmpty() || !matcher.matches(relative)) return;
            try {
              BasicFileAttributes attributes =
                  Files.readAttributes(
                      path, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
              if (attributes.isDirectory()) return;
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            matched.add(relative);
            if (matched.size() > limit) throw new TooMany();
          });
    } catch (TooMany e) {
      throw DownloadSources.tooMany(pattern, limit);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    matched.sort(null);
    List<MatchedSource> out = new ArrayList<>();
    for (Path relative : matched) {
      Path file = base.resolve(relative);
      out.add(
          new MatchedSource(SourcePattern.fileUrl(file), relative.toString(), file.toString(), -1));
    }
    return out;
  }

  /** Stops the walk at the first match over the limit. */
  private static final class TooMany extends RuntimeException {
    TooMany() {
      super(null, null, false, false);
    }
  }
}
