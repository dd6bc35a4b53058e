package dev.locality.activities.stages.decompress;

import dev.locality.activities.stages.internal.EntryGlobs;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.OptionType;
import dev.locality.stage.SettingSpec;
import java.util.List;

/** The options of the {@code decompress} stage and the worker settings that bound it. */
public final class DecompressOptions {
  private DecompressOptions() {}

  public static final OptionSpec<String> FORMAT =
      OptionSpec.builder("format", OptionType.STRING)
          .description("The inputs' format; auto detects compression and archive from the content")
          .defaultValue(CompressionFormat.AUTO.optionValue)
          .allowedValues(CompressionFormat.optionValues().toArray(String[]::new))
          .build();

  public static final OptionSpec<List<String>> INCLUDE =
      OptionSpec.builder("include", OptionType.STRING_LIST)
          .description(
              "Glob(s) choosing which archive entries to extract: a pattern with '/' matches the"
                  + " entry's path, one without matches its file name; default all regular files")
          .validator(EntryGlobs::problemWith)
          .build();

  /**
   * Whether a single compressed file is written out decompressed (true) or handed on unchanged for
   * the next stage to inflate as it reads (false); archives are extracted either way.
   */
  public static final OptionSpec<Boolean> MATERIALIZE =
      OptionSpec.builder("materialize", OptionType.BOOLEAN)
          .description(
              "false hands single compressed files on unchanged, for the next stage (one that"
                  + " reads compressed input, like transform-csv) to inflate while it reads;"
                  + " archives are extracted either way")
          .defaultValue(true)
          .build();

  /**
   * Worker setting: bytes the stage may write in total, over all inputs and entries; also the bytes
   * transform-csv may inflate in total from the compressed inputs it reads inline.
   */
  public static final SettingSpec<Long> MAX_UNCOMPRESSED_BYTES =
      SettingSpec.builder("maxUncompressedBytes", OptionType.SIZE)
          .description(
              "Bytes decompress may write in total, over all inputs and entries (and"
                  + " transform-csv may inflate from compressed inputs it reads)")
          .defaultValue(100L << 30)
          .defaultText("100g")
          .validator(b -> b < 1 ? "must be at least 1 byte" : null)
          .build();

  /**
   * Worker setting: the largest ratio of bytes written to compressed bytes read, per input file;
   * enforced once that input has written more than 1 MiB (small files compress absurdly well).
   * Bounds transform-csv's inline inflating too.
   */
  public static final SettingSpec<Double> MAX_COMPRESSION_RATIO =
      SettingSpec.builder("maxCompressionRatio", OptionType.NUMBER)
          .description(
              "Largest ratio of bytes written (or inflated by transform-csv) to compressed bytes"
                  + " read, per input file, once it wrote more than 1 MiB")
          .defaultValue(1000.0)
          .defaultText("1000")
          .validator(r -> r > 0 && Double.isFinite(r) ? null : "must be a positive number")
          .build();

  /** Worker setting: archive entries (included or not) the stage reads in total. */
  public static final SettingSpec<Long> MAX_ARCHIVE_ENTRIES =
      SettingSpec.builder("maxArchiveEntries", OptionType.INTEGER)
          .description("Archive entries (files, directories, links) decompress reads in total")
          .defaultValue(100_000L)
          .validator(n -> n > 0 ? null : "must be a positive integer")
          .build();

  /** Every option, in the order docs list them. */
  public static final List<OptionSpec<?>> ALL = List.of(FORMAT, INCLUDE, MATERIALIZE);

  /** Every worker setting the stage reads. */
  public static final List<SettingSpec<?>> SETTINGS =
      List.of(MAX_UNCOMPRESSED_BYTES, MAX_COMPRESSION_RATIO, MAX_ARCHIVE_ENTRIES);
}
