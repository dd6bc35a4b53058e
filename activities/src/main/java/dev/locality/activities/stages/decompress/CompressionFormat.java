package dev.locality.activities.stages.decompress;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/**
 * The values of {@link DecompressStage}'s {@code format} option: a compression, an archive, both,
 * or {@code auto} (detect both from the content, never from the file name).
 */
enum CompressionFormat {
  AUTO("auto", null, null),
  GZIP("gzip", CompressorStreamFactory.GZIP, null),
  BZIP2("bzip2", CompressorStreamFactory.BZIP2, null),
  XZ("xz", CompressorStreamFactory.XZ, null),
  ZSTD("zstd", CompressorStreamFactory.ZSTANDARD, null),
  ZIP("zip", null, Archive.ZIP),
  TAR("tar", null, Archive.TAR),
  TAR_GZ("tar.gz", CompressorStreamFactory.GZIP, Archive.TAR),
  TAR_BZ2("tar.bz2", CompressorStreamFactory.BZIP2, Archive.TAR),
  TAR_XZ("tar.xz", CompressorStreamFactory.XZ, Archive.TAR),
  TAR_ZST("tar.zst", CompressorStreamFactory.ZSTANDARD, Archive.TAR);

  /** Archive kinds the stage extracts. */
  enum Archive {
    ZIP,
    TAR
  }

  /** Compressor names (Commons Compress) that {@code auto} accepts. */
  static final Set<String> DETECTABLE_COMPRESSORS =
      Set.of(
          CompressorStreamFactory.GZIP,
          CompressorStreamFactory.BZIP2,
          CompressorStreamFactory.XZ,
          CompressorStreamFactory.ZSTANDARD);

  final String optionValue;
  final String compressor;
  final Archive archive;

  CompressionFormat(String optionValue, String compressor, Archive archive) {
    this.optionValue = optionValue;
    this.compressor = compressor;
    this.archive = archive;
  }

  static List<String> optionValues() {
    return Arrays.stream(values()).map(f -> f.optionValue).toList();
  }

  static CompressionFormat fromOption(String value) {
    for (CompressionFormat f : values()) {
      if (f.optionValue.equals(value)) return f;
    }
    throw new IllegalArgumentException(
        "'" + value + "' is not one of " + String.join(", ", optionValues()));
  }

  /** A name for messages: {@code gzip}, {@code tar}, {@code tar+gzip}. */
  static String describe(String compressor, Archive archive) {
    String c = compressor == null ? null : compressor.equals("gz") ? "gzip" : compressor;
    if (archive == null) return c == null ? "uncompressed" : c;
    String a = archive.name().toLowerCase(java.util.Locale.ROOT);
    return c == null ? a : a + "+" + c;
  }

  /**
   * The name of a decompressed single file: {@code sales.csv.gz} gives {@code sales.csv}, {@code
   * x.tgz} gives {@code x.tar}; a name without a known suffix stays as it is (it is written to
   * another directory than its input).
   */
  static String stripSuffix(String name) {
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    for (String tarAlias : List.of(".tgz", ".tbz2", ".tbz", ".txz", ".tzst")) {
      if (lower.endsWith(tarAlias) && lower.length() > tarAlias.length())
        return name.substring(0, name.length() - tarAlias.length()) + ".tar";
    }
    for (String suffix : List.of(".gz", ".gzip", ".bz2", ".xz", ".zst", ".zstd")) {
      if (lower.endsWith(suffix) && lower.length() > suffix.length()) {
        String stripped = name.substring(0, name.length() - suffix.length());
        if (!stripped.endsWith("/")) return stripped;
      }
    }
    return name;
  }
}
