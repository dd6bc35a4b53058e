package dev.locality.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * The "limit" of the benchmark: what one plain Java process does without Temporal, with the same
 * libraries and buffer sizes as the stages (JDK HttpClient, {@link GZIPInputStream}, Commons CSV).
 *
 * <p>Run with this module's jar and Commons CSV on the class path (the harness passes its own, the
 * bench and CLI jars): {@code java -cp BENCH_JAR:CLI_JAR dev.locality.bench.LimitPass MODE
 * ARGS...}. Modes:
 *
 * <ul>
 *   <li>{@code stream URL OUT}: download, gunzip, transform and write in one streaming pass on one
 *       thread; the output is forced to disk like the upload stage does.
 *   <li>{@code download URL OUT}: HTTP body to a file (the download stage's raw rate).
 *   <li>{@code gunzip IN OUT}: gzip file to a file (the decompress stage's raw rate).
 *   <li>{@code transform IN OUT}: CSV file to CSV file (the transform-csv stage's raw rate), not
 *       forced to disk (the stage does not force either).
 *   <li>{@code copy IN OUT}: file copy forced to disk (the upload-to-file stage's raw rate).
 * </ul>
 *
 * <p>The transform is the benchmark pipeline's: keep {@link #SELECT} in that order, rename {@code
 * amount} to {@code amount_usd}, drop rows whose {@code status} is {@code cancelled} (the
 * pipeline's CEL filter {@code status != "cancelled"}, here in plain Java), print with the stage's
 * default output format (minimal quoting, {@code \n} line ends, header row).
 *
 * <p>With a fourth argument, the URL of a small gzipped CSV, every mode first runs once over it,
 * untimed ({@link #warmUp}).
 *
 * <p>Prints one JSON line: {@code {"mode","millis","bytesIn","bytesOut","rowsIn","rowsOut",
 * "peakRssKb"}}; the time covers the work only (not JVM start or compilation).
 */
public final class LimitPass {
  static final int BUFFER = 64 * 1024;
  static final List<String> SELECT =
      List.of("id", "created_at", "customer_id", "amount", "currency", "status", "city", "note");
  static final CSVFormat OUTPUT = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get();

  public static void main(String[] args) throws Exception {
    if (args.length != 3 && args.length != 4) {
      System.err.println(
          "usage: LimitPass stream|download|gunzip|transform|copy IN OUT [WARM_UP_URL]");
      System.exit(2);
    }
    String mode = args[0];
    Path out = Path.of(args[2]);
    Files.deleteIfExists(out);
    if (args.length == 4) warmUp(args[3], out.toAbsolutePath().getParent());
    long started = System.nanoTime();
    long[] counts; // bytesIn, bytesOut, rowsIn, rowsOut
    switch (mode) {
      case "stream" -> {
        try (Counting body = new Counting(open(args[1]));
            InputStream plain = new GZIPInputStream(body, BUFFER)) {
          long[] rows = transform(plain, out, true);
          counts = new long[] {body.count, Files.size(out), rows[0], rows[1]};
        }
      }
      case "download" -> {
        try (InputStream body = open(args[1])) {
          long n = copy(body, out, false);
          counts = new long[] {n, n, -1, -1};
        }
      }
      case "gunzip" -> {
        Path in = Path.of(args[1]);
        try (InputStream plain =
            new GZIPInputStream(Files.newInputStream(Path.of(args[1])), BUFFER)) {
          long n = copy(plain, out, false);
          counts = new long[] {Files.size(in), n, -1, -1};
        }
      }
      case "transform" -> {
        Path in = Path.of(args[1]);
        try (InputStream plain = Files.newInputStream(in)) {
          long[] rows = transform(plain, out, false);
          counts = new long[] {Files.size(in), Files.size(out), rows[0], rows[1]};
        }
      }
      case "copy" -> {
        try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
          long n = copy(in, out, true);
          counts = new long[] {n, n, -1, -1};
        }
      }
      default -> throw new IllegalArgumentException("unknown mode " + mode);
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf(
        "{\"mode\":\"%s\",\"millis\":%d,\"bytesIn\":%d,\"bytesOut\":%d,\"rowsIn\":%d,"
            + "\"rowsOut\":%d,\"peakRssKb\":%d}%n",
        mode, millis, counts[0], counts[1], counts[2], counts[3], peakRssKb());
  }

  /**
   * Runs every mode once over a small gzipped CSV at {@code url}, untimed, so the measured pass
   * runs JIT-compiled code like a long-running worker does (the benchmark warms its workers up with
   * a small pipeline the same way).
   */
  static void warmUp(String url, Path dir) throws Exception {
    Path gz = dir.resolve("warm-up.csv.gz");
    Path csv = dir.resolve("warm-up.csv");
    Path out = dir.resolve("warm-up-out.csv");
    Path copy = dir.resolve("warm-up-copy.csv");
    for (Path p : List.of(gz, csv, out, copy)) Files.deleteIfExists(p);
    try (InputStream body = open(url)) {
      copy(body, gz, false);
    }
    try (InputStream plain = new GZIPInputStream(Files.newInputStream(gz), BUFFER)) {
      copy(plain, csv, false);
    }
    try (InputStream plain = Files.newInputStream(csv)) {
      transform(plain, out, false);
    }
    try (InputStream in = Files.newInputStream(out)) {
      copy(in, copy, true);
    }
    Files.delete(out);
    try (InputStream plain = new GZIPInputStream(open(url), BUFFER)) {
      transform(plain, out, true);
    }
    for (Path p : List.of(gz, csv, out, copy)) Files.deleteIfExists(p);
  }

  /** This process's peak resident set size (VmHWM, kB), -1 where /proc is missing. */
  static long peakRssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", ""));
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  static InputStream open(String url) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<InputStream> response =
        client.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      response.body().close();
      throw new IOException("HTTP " + response.statusCode() + " from " + url);
    }
    return response.body();
  }

  static long copy(InputStream in, Path out, boolean force) throws IOException {
    long n = 0;
    byte[] buffer = new byte[BUFFER];
    try (FileChannel channel =
            FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        OutputStream file = java.nio.channels.Channels.newOutputStream(channel)) {
      for (int r; (r = in.read(buffer)) >= 0; ) {
        file.write(buffer, 0, r);
        n += r;
      }
      if (force) channel.force(true);
    }
    return n;
  }

  /**
   * The pipeline's transform; returns rows in and rows out.
   *
   * @param force whether the output is forced to disk at the end (the upload stage does that; the
   *     transform-csv stage does not)
   */
  static long[] transform(InputStream input, Path out, boolean force) throws IOException {
    long rowsIn = 0;
    long rowsOut = 0;
    Reader reader =
        new BufferedReader(
            new InputStreamReader(
                input,
                StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)),
            BUFFER);
    try (FileChannel channel =
            FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        CSVParser parser = CSVFormat.DEFAULT.parse(reader)) {
      Writer writer =
          new BufferedWriter(
              new OutputStreamWriter(
                  java.nio.channels.Channels.newOutputStream(channel), StandardCharsets.UTF_8),
              BUFFER);
      try (CSVPrinter printer = new CSVPrinter(writer, OUTPUT)) {
        Iterator<CSVRecord> records = parser.iterator();
        List<String> header = records.next().toList();
        int[] select = new int[SELECT.size()];
        List<String> outHeader = new ArrayList<>();
        for (int i = 0; i < select.length; i++) {
          select[i] = header.indexOf(SELECT.get(i));
          if (select[i] < 0) throw new IllegalStateException("no column " + SELECT.get(i));
          outHeader.add(SELECT.get(i).equals("amount") ? "amount_usd" : SELECT.get(i));
        }
        int status = header.indexOf("status");
        printer.printRecord(outHeader);
        String[] row = new String[select.length];
        while (records.hasNext()) {
          CSVRecord record = records.next();
          rowsIn++;
          if (record.size() != header.size()) throw new IllegalStateException("bad row " + rowsIn);
          if (record.get(status).equals("cancelled")) continue;
          for (int i = 0; i < select.length; i++) row[i] = record.get(select[i]);
          printer.printRecord((Object[]) row);
          rowsOut++;
        }
        printer.flush();
        if (force) channel.force(true);
      }
    }
    return new long[] {rowsIn, rowsOut};
  }

  /** Counts bytes read. */
  static final class Counting extends java.io.FilterInputStream {
    long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) count++;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) count += n;
      return n;
    }
  }
}
