package dev.locality.activities.stages.decompress;

import dev.locality.activities.stages.ByteSize;
import dev.locality.stage.BadInputException;
import dev.locality.stage.StageContext;
import java.util.Optional;

/**
 * The worker's defences of {@link DecompressStage} against decompression bombs, read from worker
 * settings. Checked while streaming, after every buffer, so a bomb stops after at most one buffer
 * beyond the limit instead of after filling the disk. Immutable and thread-safe.
 *
 * <table>
 *   <caption>Worker settings</caption>
 *   <tr><th>setting</th><th>type</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #MAX_UNCOMPRESSED_BYTES}</td><td>size ({@code 123}, {@code 512k}, {@code 10m},
 *       {@code 100g}, {@code 1t}; binary units)</td><td>100g</td><td>bytes the stage may write in
 *       total, over all inputs and entries</td></tr>
 *   <tr><td>{@value #MAX_COMPRESSION_RATIO}</td><td>number</td><td>1000</td><td>largest ratio of
 *       bytes written to compressed bytes read, per input file; enforced once that input has
 *       written more than {@value #RATIO_FLOOR_BYTES} bytes (small files compress absurdly
 *       well)</td></tr>
 *   <tr><td>{@value #MAX_ARCHIVE_ENTRIES}</td><td>integer</td><td>100000</td><td>archive entries
 *       (files, directories, links; included or not) the stage reads in total</td></tr>
 * </table>
 *
 * <p>A limit that is hit is bad input naming the limit, the input and the entry. A setting that is
 * not a valid value is a worker misconfiguration ({@link IllegalStateException}).
 *
 * @param maxUncompressedBytes see the table
 * @param maxCompressionRatio see the table
 * @param maxArchiveEntries see the table
 */
public record DecompressionLimits(
    long maxUncompressedBytes, double maxCompressionRatio, long maxArchiveEntries) {
  public static final String MAX_UNCOMPRESSED_BYTES = "maxUncompressedBytes";
  public static final String MAX_COMPRESSION_RATIO = "maxCompressionRatio";
  public static final String MAX_ARCHIVE_ENTRIES = "maxArchiveEntries";

  /** Output of one input below which the ratio is not enforced: 1 MiB. */
  static final long RATIO_FLOOR_BYTES = 1024 * 1024;

  static final DecompressionLimits DEFAULTS =
      new DecompressionLimits(100L * 1024 * 1024 * 1024, 1000, 100_000);

  /** The limits configured on the worker, defaults where unset. */
  static DecompressionLimits from(StageContext context) {
    return new DecompressionLimits(
        ByteSize.setting(
            context.workerSetting(MAX_UNCOMPRESSED_BYTES),
            MAX_UNCOMPRESSED_BYTES,
            DEFAULTS.maxUncompressedBytes),
        positiveNumber(context.workerSetting(MAX_COMPRESSION_RATIO), MAX_COMPRESSION_RATIO)
            .orElse(DEFAULTS.maxCompressionRatio),
        positiveNumber(context.workerSetting(MAX_ARCHIVE_ENTRIES), MAX_ARCHIVE_ENTRIES)
            .map(d -> (long) (double) d)
            .orElse(DEFAULTS.maxArchiveEntries));
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

  private static Optional<Double> positiveNumber(Optional<String> value, String setting) {
    return value.map(
        v -> {
          try {
            double d = Double.parseDouble(v.trim());
            if (d > 0 && Double.isFinite(d)) return d;
          } catch (NumberFormatException e) {
            // reported below
          }
          throw new IllegalStateException(
              "worker setting " + setting + ": '" + v + "' is not a positive number");
        });
  }

  private static String format(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
