package dev.locality.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateCsvTest {
  /** Runs the generator and returns the JSON line it prints. */
  static String generate(Path file, long size, long seed) throws Exception {
    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      GenerateCsv.main(new String[] {file.toString(), "" + size, "" + seed});
    } finally {
      System.setOut(stdout);
    }
    return printed.toString(StandardCharsets.UTF_8).trim();
  }

  private static byte[] gunzip(Path file) throws Exception {
    try (var in = new GZIPInputStream(Files.newInputStream(file))) {
      return in.readAllBytes();
    }
  }

  @Test
  void sameSizeAndSeedGiveTheSameBytes(@TempDir Path dir) throws Exception {
    generate(dir.resolve("a.csv.gz"), 100_000, 42);
    generate(dir.resolve("b.csv.gz"), 100_000, 42);
    generate(dir.resolve("c.csv.gz"), 100_000, 43);

    assertThat(gunzip(dir.resolve("a.csv.gz"))).isEqualTo(gunzip(dir.resolve("b.csv.gz")));
    assertThat(gunzip(dir.resolve("a.csv.gz"))).isNotEqualTo(gunzip(dir.resolve("c.csv.gz")));
  }

  @Test
  void tenColumnsUpToTheRequestedSizeAndADescriptionOfIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("data.csv.gz");

    var description = Json.JSON.readTree(generate(file, 100_000, 42));

    byte[] csv = gunzip(file);
    List<CSVRecord> records =
        CSVFormat.DEFAULT
            .builder()
            .setHeader()
            .get()
            .parse(new StringReader(new String(csv, StandardCharsets.UTF_8)))
            .getRecords();
    assertThat(records).allMatch(r -> r.size() == 10);
    assertThat(records)
        .extracting(r -> r.get("status"))
        .contains("cancelled", "paid")
        .allMatch(s -> s.matches("[a-z]+"));
    assertThat(description.get("bytes").asLong())
        .isEqualTo(csv.length)
        .isBetween(100_000L, 100_400L);
    assertThat(description.get("rows").asLong()).isEqualTo(records.size());
    assertThat(description.get("gzBytes").asLong()).isEqualTo(Files.size(file));
    assertThat(description.get("file").asText()).isEqualTo(file.toAbsolutePath().toString());
    assertThat(dir.resolve("data.csv.gz.tmp")).doesNotExist();
  }
}
