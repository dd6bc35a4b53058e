package dev.locality.activities.stages.compress;

import dev.locality.stage.OptionProblem;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.OptionType;
import dev.locality.stage.SettingSpec;
import dev.locality.stage.StageConfig;
import java.util.ArrayList;
import java.util.List;

/** The options of the {@code compress} stage, the worker setting it reads, and their checks. */
public final class CompressOptions {
  private CompressOptions() {}

  /** The longest bundle name accepted (file systems allow 255 bytes; the suffix needs room). */
  static final int MAX_NAME_LENGTH = 200;

  /** The bundle's name when neither the option nor the pipeline's name gives a usable one. */
  static final String DEFAULT_BUNDLE_NAME = "bundle";

  public static final OptionSpec<String> FORMAT =
      OptionSpec.builder("format", OptionType.STRING)
          .description(
              "gzip, zstd, bzip2 or xz compress each file on its own; tar, tar.gz, tar.zst,"
                  + " tar.bz2, tar.xz or zip bundle all files into one archive")
          .defaultValue(CompressFormat.GZIP.optionValue)
          .allowedValues(CompressFormat.optionValues().toArray(String[]::new))
          .build();

  public static final OptionSpec<Long> LEVEL =
      OptionSpec.builder("level", OptionType.INTEGER)
          .description(
              "Compression level: gzip 1-9 (default 6), zstd 1-19 (3), bzip2 1-9 (9), xz 0-9"
                  + " (6), zip 0-9 (6); plain tar takes none")
          .validator(n -> n < 0 || n > 19 ? "must be between 0 and 19" : null)
          .build();

  public static final OptionSpec<String> NAME =
      OptionSpec.builder("name", OptionType.STRING)
          .description(
              "File name of the archive for bundling formats, without or with its suffix"
                  + " (default: the pipeline's name, else bundle)")
          .validator(CompressOptions::nameProblem)
          .build();

  /** Worker setting: threads zstd compresses with, besides the stage's own. */
  public static final SettingSpec<Long> ZSTD_WORKERS =
      SettingSpec.builder("compressZstdWorkers", OptionType.INTEGER)
          .description(
              "Background threads a zstd or tar.zst compress uses (0: compress on the stage's"
                  + " thread)")
          .defaultValue(0L)
          .validator(n -> n < 0 || n > 64 ? "must be between 0 and 64" : null)
          .build();

  /** Every option, in the order docs list them. */
  public static final List<OptionSpec<?>> ALL = List.of(FORMAT, LEVEL, NAME);

  /** Every worker setting the stage reads. */
  public static final List<SettingSpec<?>> SETTINGS = List.of(ZSTD_WORKERS);

  /**
   * The checks between options: the level must be in the format's range, and {@code name} applies
   * only to bundling formats.
   */
  public static List<OptionProblem> problems(StageConfig config) {
    CompressFormat format = CompressFormat.fromOption(config.get(FORMAT));
    List<OptionProblem> problems = new ArrayList<>();
    String levelProblem = format.levelProblem(config.get(LEVEL));
    if (levelProblem != null) problems.add(new OptionProblem(LEVEL.name(), levelProblem));
    if (config.get(NAME) != null && !format.bundles())
      problems.add(
          new OptionProblem(
              NAME.name(),
              "format "
                  + format.optionValue
                  + " writes one file per input, named after it; name applies to tar and zip"
                  + " formats"));
    return problems;
  }

  /** A validator message for a bundle name, or null when it is a plain file name. */
  static String nameProblem(String name) {
    if (name.isBlank()) return "must not be empty";
    if (name.contains("/") || name.contains("\\") || name.indexOf('\0') >= 0)
      return "must be a file name, without '/', '\\' or NUL";
    if (name.equals(".") || name.equals("..")) return "must be a file name, not '" + name + "'";
    if (name.length() > MAX_NAME_LENGTH)
      return "must be at most " + MAX_NAME_LENGTH + " characters";
    return null;
  }
}
