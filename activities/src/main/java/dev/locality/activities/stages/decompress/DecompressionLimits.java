package dev.locality.activities.stages.decompress;

import dev.locality.stage.BadInputException;
import dev.locality.stage.StageContext;

/**
 * The worker's defences of {@link DecompressStage} against decompression bombs, read from worker
 * settings. Checked while streaming, after every buffer, so a bomb stops after at most one buffer
 * beyond the limit instead of after filling the disk. Immutable and thread-safe.
 *
 * <p>The limits are the worker settings in {@link DecompressOptions}. A limit that is hit is bad
 * input naming the limit, the input and the entry.
 *
 * @param maxUncompressedBytes see {@link DecompressOptions#MAX_UNCOMPRESSED_BYTES}
 * @param maxCompressionRatio see {@link DecompressOptions#MAX_COMPRESSION_RATIO}
 * @param maxArchiveEntries see {@link DecompressOptions#MAX_ARCHIVE_ENTRIES}
 */
public record DecompressionLimits(
    long maxUncompressedBytes, double maxCompressionRatio, long maxArchiveEntries) {
  private static final String MAX_UNCOMPRESSED_BYTES =
      DecompressOptions.MAX_UNCOMPRESSED_BYTES.name();
  private static final String MAX_COMPRESSION_RATIO =
      DecompressOptions.MAX_COMPRESSION_RATIO.name();
  private static final String MAX_ARCHIVE_ENTRIES = DecompressOptions.MAX_ARCHIVE_ENTRIES.name();

  /** Output of one input below which the ratio is not enforced: 1 MiB. */
  static final long RATIO_FLOOR_BYTES = 1024 * 1024;

  static final DecompressionLimits DEFAULTS =
      new DecompressionLimits(
          DecompressOptions.MAX_UNCOMPRESSED_BYTES.defaultValue(),
          DecompressOptions.MAX_COMPRESSION_RATIO.defaultValue(),
          DecompressOptions.MAX_ARCHIVE_ENTRIES.defaultValue());

  /** The limits configured on the worker, defaults where unset. */
  static DecompressionLimits from(StageContext context) {
    return new DecompressionLimits(
        context.setting(DecompressOptions.MAX_UNCOMPRESSED_BYTES),
        context.setting(DecompressOptions.MAX_COMPRESSION_RATIO),
        context.setting(DecompressOptions.MAX_ARCHIVE_ENTRIES));
  }

  /**
   * Checks the output counts after a buffer was written.
   *
   * @param totalOut bytes written by the stage so far
   * @param inputOut bytes written from the current input file so far
   * @param inputConsumed compressed bytes read from the current input file so far
   * @param where the input (and entry) for the message
   */
  void checkOutput(long totalOut, long inputOut, long inputConsumed, String where) {
    if (totalOut > maxUncompressedBytes) {
      throw new BadInputException(
          "decompression stopped at "
              + where
              + ": the output exceeds the worker's limit "
              + MAX_UNCOMPRESSED_BYTES
              + "="
              + maxUncompressedBytes
              + " bytes (a decompression bomb, or raise the worker setting)");
    }
    if (inputOut > RATIO_FLOOR_BYTES && inputOut > maxCompressionRatio * Math.max(1, inputConsumed))
      throw new BadInputException(
          "decompression stopped at "
              + where
              + ": "
              + inputOut
              + " bytes written from "
              + inputConsumed
              + " compressed bytes exceed the worker's limit "
              + MAX_COMPRESSION_RATIO
              + "="
              + format(maxCompressionRatio)
              + " (a decompression bomb, or raise the worker setting)");
  }

  /** Checks the number of archive entries read so far. */
  void checkEntries(long entries, String input) {
    if (entries > maxArchiveEntries) {
      throw new BadInputException(
          "extraction stopped at "
              + input
              + ": more than the worker's limit "
              + MAX_ARCHIVE_ENTRIES
              + "="
              + maxArchiveEntries
              + " archive entries");
    }
  }

  private static String format(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
