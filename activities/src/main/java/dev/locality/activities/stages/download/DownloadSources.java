package dev.locality.activities.stages.download;

import dev.locality.activities.stages.internal.FileContainment;
import dev.locality.stage.BadInputException;
import dev.locality.stage.OptionProblem;
import dev.locality.stage.Progress;
import dev.locality.stage.StageConfig;
import dev.locality.stage.StageContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What a {@link DownloadStage} fetches: the {@code url} option or the {@code urls} list (exactly
 * one of them), each entry a URL or a glob ({@link SourcePattern}), expanded into the files to
 * fetch ({@link MatchedSource}) in the order written, a glob's matches in path order. A glob that
 * matches nothing, or more than the {@code maxMatches} cap, is bad input naming the pattern.
 * Stateless.
 */
final class DownloadSources {
  private DownloadSources() {}

  /** The option problems of the sources (for {@code validate}); empty when they parse. */
  static List<OptionProblem> problems(StageConfig config) {
    List<OptionProblem> problems = new ArrayList<>();
    try {
      patterns(config);
    } catch (OptionError e) {
      problems.add(new OptionProblem(e.option, e.getMessage()));
    } catch (IllegalArgumentException e) {
      // a value of the wrong type: the framework reports it against its option
    }
    return problems;
  }

  /**
   * The parsed entries.
   *
   * @throws OptionError naming the option at fault
   */
  static List<SourcePattern> patterns(StageConfig config) {
    String url = config.find(DownloadOptions.URL).orElse(null);
    List<String> urls = config.find(DownloadOptions.URLS).orElse(null);
    if (url == null && urls == null) {
      throw new OptionError(DownloadOptions.URL.name(), "give the source as url or urls");
    }
    if (url != null && urls != null) {
      throw new OptionError(
          DownloadOptions.URLS.name(), "give url or urls, not both (put every source under urls)");
    }
    String option = url != null ? DownloadOptions.URL.name() : DownloadOptions.URLS.name();
    List<SourcePattern> patterns = new ArrayList<>();
    for (String entry : url != null ? List.of(url) : urls) {
      try {
        patterns.add(SourcePattern.parse(entry));
      } catch (IllegalArgumentException e) {
        throw new OptionError(option, e.getMessage());
      }
    }
    boolean many = patterns.size() > 1 || patterns.get(0).isGlob();
    if (many && config.find(DownloadOptions.SHA256).isPresent()) {
      throw new OptionError(
          DownloadOptions.SHA256.name(),
          "sha256 checks a single file; it cannot be combined with several urls or a glob");
    }
    return List.copyOf(patterns);
  }

  /**
   * Lists what the globs match (heartbeating between listing pages) and returns every file.
   *
   * @param limit the most files one glob may match
   * @throws BadInputException for a glob that matches nothing or too much, or a refused directory
   */
  static List<MatchedSource> expand(
      List<SourcePattern> patterns, StageContext context, Supplier<S3Client> s3, int limit)
      throws IOException {
    List<MatchedSource> all = new ArrayList<>();
    for (SourcePattern pattern : patterns) {
      if (!pattern.isGlob()) {
        all.add(MatchedSource.of(pattern.single()));
        continue;
      }
      context.heartbeat(Progress.bytes(0, -1));
      List<MatchedSource> matched =
          pattern.kind() == SourceUrl.Kind.S3
              ? S3Glob.expand(
                  pattern, s3.get(), limit, () -> context.heartbeat(Progress.bytes(0, -1)))
              : LocalGlob.expand(pattern, FileContainment.forReads(context), limit);
      if (matched.isEmpty()) {
        throw new BadInputException("glob " + pattern + " matches no file");
      }
      all.addAll(matched);
    }
    return List.copyOf(all);
  }

  /** The failure of a glob that matches more than {@code limit} files. */
  static BadInputException tooMany(SourcePattern pattern, int limit) {
    return new BadInputException(
        "glob "
            + pattern
            + " matches more than "
            + limit
            + " files (option maxMatches, at most worker setting "
            + DownloadOptions.MAX_MATCHES_CEILING.name()
            + "); narrow the glob or raise the limit");
  }

  /** A problem with one option, named. */
  static final class OptionError extends IllegalArgumentException {
    final String option;

    OptionError(String option, String message) {
      super(message);
      this.option = option;
    }
  }
}
