package dev.locality.activities.stages.compress;

import java.util.Locale;

/**
 * The file name of a bundle: the {@code name} option, else the pipeline's name, else {@value
 * CompressOptions#DEFAULT_BUNDLE_NAME}; with the format's suffix appended unless it already ends
 * with it ({@code name: sales.zip} stays {@code sales.zip}).
 */
final class BundleName {
  private BundleName() {}

  static String of(String option, String pipelineName, CompressFormat format) {
    String base = option != null ? option : fromPipeline(pipelineName);
    return base.toLowerCase(Locale.ROOT).endsWith(format.suffix) ? base : base + format.suffix;
  }

  /**
   * The pipeline's name when it is a tidy file name (letters, digits, {@code . _ -}, not starting
   * with a dot), else the default.
   */
  private static String fromPipeline(String pipelineName) {
    if (pipelineName != null
        && pipelineName.matches("[A-Za-z0-9_-][A-Za-z0-9._-]*")
        && pipelineName.length() <= CompressOptions.MAX_NAME_LENGTH) return pipelineName;
    return CompressOptions.DEFAULT_BUNDLE_NAME;
  }
}
