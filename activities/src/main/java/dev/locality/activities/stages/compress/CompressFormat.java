package dev.locality.activities.stages.compress;

import java.util.Arrays;
import java.util.List;

/**
 * The values of the {@code compress} stage's {@code format} option: a compression of each file on
 * its own, or an archive bundling every file (optionally compressed as a whole).
 */
enum CompressFormat {
  GZIP("gzip", ".gz", Codec.GZIP, Bundle.NONE),
  ZSTD("zstd", ".zst", Codec.ZSTD, Bundle.NONE),
  BZIP2("bzip2", ".bz2", Codec.BZIP2, Bundle.NONE),
  XZ("xz", ".xz", Codec.XZ, Bundle.NONE),
  TAR("tar", ".tar", Codec.NONE, Bundle.TAR),
  TAR_GZ("tar.gz", ".tar.gz", Codec.GZIP, Bundle.TAR),
  TAR_ZST("tar.zst", ".tar.zst", Codec.ZSTD, Bundle.TAR),
  TAR_BZ2("tar.bz2", ".tar.bz2", Codec.BZIP2, Bundle.TAR),
  TAR_XZ("tar.xz", ".tar.xz", Codec.XZ, Bundle.TAR),
  ZIP("zip", ".zip", Codec.DEFLATE, Bundle.ZIP);

  /** How the inputs are laid out in the output. */
  enum Bundle {
    /** One compressed output per input. */
    NONE,
    /** One tar archive of all inputs, compressed by the format's codec. */
    TAR,
    /** One zip archive of all inputs, its entries deflated. */
    ZIP
  }

  final String optionValue;
  final String suffix;
  final Codec codec;
  final Bundle bundle;

  CompressFormat(String optionValue, String suffix, Codec codec, Bundle bundle) {
    this.optionValue = optionValue;
    this.suffix = suffix;
    this.codec = codec;
    this.bundle = bundle;
  }

  boolean bundles() {
    return bundle != Bundle.NONE;
  }

  static List<String> optionValues() {
    return Arrays.stream(values()).map(f -> f.optionValue).toList();
  }

  static CompressFormat fromOption(String value) {
    for (CompressFormat f : values()) {
      if (f.optionValue.equals(value)) return f;
    }
    throw new IllegalArgumentException(
        "'" + value + "' is not one of " + String.join(", ", optionValues()));
  }

  /**
   * The problem with {@code level} for this format, or null when it is in range (or null: the
   * format's default).
   */
  String levelProblem(Long level) {
    if (level == null) return null;
    if (!codec.hasLevels())
      return "format " + optionValue + " does not compress, so it takes no level";
    if (level < codec.minLevel || level > codec.maxLevel)
      return "level "
          + level
          + " is out of range for "
          + optionValue
          + " ("
          + codec.minLevel
          + " to "
          + codec.maxLevel
          + ", default "
          + codec.defaultLevel
          + ")";
    return null;
  }

  /** The level to compress at: {@code level}, or the codec's default when null. */
  int level(Long level) {
    return level == null ? codec.defaultLevel : level.intValue();
  }
}
