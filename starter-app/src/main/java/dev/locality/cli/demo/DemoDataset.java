package dev.locality.cli.demo;

import dev.locality.stage.ByteSizes;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The demo's input: a gzipped CSV of made-up taxi trips ({@code
 * trip_id,pickup_at,zone,passengers,distance_km,fare_usd}) of a given uncompressed size, written
 * streaming (constant memory) with a fixed seed, so the same size always gives the same bytes.
 * {@link #ensure} reuses a file made earlier. Stateless, thread-safe.
 */
public final class DemoDataset {
  /** The CSV header; the demo pipeline selects and filters these columns. */
  public static final String HEADER = "trip_id,pickup_at,zone,passengers,distance_km,fare_usd";

  private static final String[] ZONES = {
    "Midtown", "Harlem", "SoHo", "Astoria", "Flushing", "Red Hook", "Chelsea", "Tribeca", "Bushwick"
  };

  private DemoDataset() {}

  /** {@code 300MB}, {@code 5m}, {@code 1GiB}, {@code 1048576}: powers of 1024. */
  public static long parseSize(String text) {
    return ByteSizes.parse(text);
  }

  /**
   * The dataset of about {@code uncompressedBytes} in {@code dir}, made now unless an earlier run
   * left it there.
   */
  public static Path ensure(Path dir, long uncompressedBytes) throws IOException {
    Path file = dir.resolve("trips-" + uncompressedBytes + ".csv.gz");
    if (Files.isRegularFile(file)) return file;
    Files.createDirectories(dir);
    Path partial = dir.resolve(file.getFileName() + ".part");
    try (OutputStream out = new FastGzip(Files.newOutputStream(partial))) {
      write(out, uncompressedBytes);
    }
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return file;
  }

  /**
   * Writes rows to {@code out} until at least {@code uncompressedBytes} were written.
   *
   * @return the number of data rows
   */
  public static long write(OutputStream out, long uncompressedBytes) throws IOException {
    Writer writer =
        new OutputStreamWriter(new BufferedOutputStream(out, 1 << 16), StandardCharsets.US_ASCII);
    SplittableRandom random = new SplittableRandom(20261125L);
    StringBuilder row = new StringBuilder(96);
    writer.write(HEADER);
    writer.write('\n');
    long written = HEADER.length() + 1;
    long rows = 0;
    long minute = 0;
    while (written < uncompressedBytes) {
      rows++;
      minute += random.nextInt(3);
      double distance = 0.3 + random.nextDouble() * 25;
      double fare = 3.0 + distance * 2.5 + random.nextDouble() * 8;
      row.setLength(0);
      row.append(rows)
          .append(",2026-11-")
          .append(two(1 + (minute / 1440) % 28))
          .append('T')
          .append(two((minute / 60) % 24))
          .append(':')
          .append(two(minute % 60))
          .append(",")
          .append(ZONES[random.nextInt(ZONES.length)])
          .append(',')
          .append(1 + random.nextInt(4))
          .append(',')
          .append(String.format(Locale.ROOT, "%.2f", distance))
          .append(',')
          .append(String.format(Locale.ROOT, "%.2f", fare))
          .append('\n');
      writer.append(row);
      written += row.length();
    }
    writer.flush();
    return rows;
  }

  private static String two(long value) {
    return value < 10 ? "0" + value : Long.toString(value);
  }

  /** gzip at the fastest level: the demo wants the dataset quickly, not small. */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, 1 << 16);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }
}
