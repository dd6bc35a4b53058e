package dev.locality.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a gzipped benchmark CSV of a requested uncompressed size, deterministically (same size and
 * seed, same bytes).
 *
 * <p>Usage: {@code java -cp BENCH_JAR dev.locality.bench.GenerateCsv OUT.csv.gz SIZE_BYTES [SEED]}
 *
 * <p>Ten columns: {@code id} (sequential long), {@code created_at} (ISO timestamp), {@code
 * event_date} (ISO date), {@code customer_id} (int), {@code amount} (decimal, 2 places), {@code
 * price} (decimal, 4 places), {@code currency} (3 letters), {@code status} (short word, about 10%
 * {@code cancelled}), {@code city} (short string, some quoted because they hold a comma) and {@code
 * note} (free text: empty, plain, or quoted with commas, doubled quotes and line breaks). Rows end
 * with {@code \n}. Generation stops at the first row end at or beyond SIZE_BYTES.
 *
 * <p>Prints one JSON line: {@code {"file", "bytes", "gzBytes", "rows", "millis"}}. Writes to a
 * temporary file and renames it, so an interrupted run leaves no truncated file behind.
 */
public final class GenerateCsv {
  static final String[] CURRENCIES = {"USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "SEK"};
  static final String[] STATUSES = {
    "new", "paid", "paid", "paid", "shipped", "shipped", "shipped", "returned", "open", "cancelled"
  };
  static final String[] CITIES = {
    "Berlin",
    "Lyon",
    "\"Portland, OR\"",
    "Osaka",
    "\"Paris, TX\"",
    "Zurich",
    "Toronto",
    "\"Springfield, IL\"",
    "Leeds",
    "Malmo",
    "Austin",
    "Porto"
  };
  static final String[] WORDS = {
    "delivered",
    "late",
    "gift",
    "wrap",
    "fragile",
    "call",
    "before",
    "door",
    "back",
    "left",
    "express",
    "box",
    "damaged",
    "retry",
    "customer",
    "asked",
    "invoice",
    "refund",
    "partial"
  };

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: GenerateCsv OUT.csv.gz SIZE_BYTES [SEED]");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    long size = Long.parseLong(args[1]);
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 20261125L;
    long started = System.nanoTime();
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    Files.createDirectories(out.toAbsolutePath().getParent());
    CountingStream gz;
    long bytes = 0;
    long rows = 0;
    try (CountingStream file =
            new CountingStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16));
        OutputStream zip = new GZIPOutputStream(file, 1 << 16);
        Writer w = new OutputStreamWriter(zip, StandardCharsets.UTF_8)) {
      gz = file;
      SplittableRandom random = new SplittableRandom(seed);
      String header =
          "id,created_at,event_date,customer_id,amount,price,currency,status,city,note\n";
      w.write(header);
      bytes += header.length();
      StringBuilder row = new StringBuilder(256);
      LocalDateTime base = LocalDateTime.of(2025, 1, 1, 0, 0);
      while (bytes < size) {
        row.setLength(0);
        rows++;
        LocalDateTime at = base.plusSeconds(rows * 3 + random.nextInt(3));
        LocalDate day = at.toLocalDate();
        row.append(rows).append(',');
        row.append(at).append('Z').append(',');
        row.append(day).append(',');
        row.append(100_000 + random.nextInt(900_000)).append(',');
        appendDecimal(row, random.nextLong(1_000_000), 2).append(',');
        appendDecimal(row, random.nextLong(100_000_000), 4).append(',');
        row.append(CURRENCIES[random.nextInt(CURRENCIES.length)]).append(',');
        row.append(STATUSES[random.nextInt(STATUSES.length)]).append(',');
        row.append(CITIES[random.nextInt(CITIES.length)]).append(',');
        appendNote(row, random);
        row.append('\n');
        w.append(row);
        bytes += row.length(); // ASCII only: chars == bytes
      }
    }
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf(
        "{\"file\":\"%s\",\"bytes\":%d,\"gzBytes\":%d,\"rows\":%d,\"millis\":%d}%n",
        out.toAbsolutePath(), bytes, Files.size(out), rows, millis);
  }

  static StringBuilder appendDecimal(StringBuilder sb, long units, int scale) {
    long pow = 1;
    for (int i = 0; i < scale; i++) pow *= 10;
    sb.append(units / pow).append('.');
    String frac = Long.toString(units % pow);
    for (int i = frac.length(); i < scale; i++) sb.append('0');
    return sb.append(frac);
  }

  /** Empty (30%), plain words (50%), or quoted with commas, quotes and line breaks (20%). */
  static void appendNote(StringBuilder sb, SplittableRandom random) {
    int kind = random.nextInt(10);
    if (kind < 3) return;
    int words = 2 + random.nextInt(6);
    if (kind < 8) {
      for (int i = 0; i < words; i++) {
        if (i > 0) sb.append(' ');
        sb.append(WORDS[random.nextInt(WORDS.length)]);
      }
      return;
    }
    sb.append('"');
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        int sep = random.nextInt(6);
        sb.append(sep == 0 ? ", " : sep == 1 ? "\n" : sep == 2 ? " \"\"" : " ");
      }
      sb.append(WORDS[random.nextInt(WORDS.length)]);
    }
    sb.append('"');
  }

  /** Counts bytes written to the compressed file. */
  static final class CountingStream extends java.io.FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
