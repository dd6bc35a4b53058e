package dev.locality.activities.stages.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.QuoteMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Holds {@link MinimalRowWriter}'s bytes to Commons CSV's {@link CSVPrinter} writing through a
 * UTF-8 {@link OutputStreamWriter} (the reference the stage used before it wrote bytes itself),
 * over random rows built from the characters that matter: quotes, CR, LF, the delimiter, spaces and
 * {@code #} at either end, ASCII, Latin-1, other BMP characters, surrogate pairs, lone surrogates,
 * empty values, nulls and values longer than the writer's 64 KiB buffer.
 */
class MinimalRowWriterTest {
  private static final String[] PIECES = {
    "a",
    "Z",
    "0",
    "42",
    "x y",
    " ",
    "\t",
    "#",
    "\"",
    "\n",
    "\r",
    "\r\n",
    ",",
    ";",
    "§",
    "é",
    "ß",
    "ÿ",
    "€",
    "日本",
    "😀",
    "\uD800",
    "\uDC00",
    "abc",
    "-1.5",
    "=SUM(A1)",
    "NULL",
    ""
  };

  @ParameterizedTest(name = "delimiter {0}, null ''{1}'', separator {2}")
  @CsvSource({"',', '', LF", "';', NULL, CRLF", "'§', '', LF", "'|', N, CRLF"})
  void printsTheBytesCommonsCsvPrints(char delimiter, String nullString, String separator)
      throws IOException {
    String recordSeparator = separator.equals("LF") ? "\n" : "\r\n";
    CSVFormat format =
        CSVFormat.DEFAULT
            .builder()
            .setDelimiter(delimiter)
            .setNullString(nullString)
            .setRecordSeparator(recordSeparator)
            .setQuoteMode(QuoteMode.MINIMAL)
            .get();
    Random random = new Random(delimiter * 31L + recordSeparator.length());
    List<String[]> rows = new ArrayList<>();
    for (int r = 0; r < 3000; r++) {
      String[] row = new String[1 + random.nextInt(6)];
      for (int i = 0; i < row.length; i++) row[i] = value(random);
      rows.add(row);
    }
    rows.add(new String[] {"x".repeat(70_000), "é".repeat(40_000), "\"".repeat(66_000)});
    rows.add(new String[] {"", "", ""});
    rows.add(new String[] {null, "", null});

    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    try (CSVPrinter printer =
        new CSVPrinter(new OutputStreamWriter(expected, StandardCharsets.UTF_8), format)) {
      for (String[] row : rows) printer.printRecord((Object[]) row);
    }
    ByteArrayOutputStream actual = new ByteArrayOutputStream();
    try (MinimalRowWriter writer =
        new MinimalRowWriter(
            new OutputStreamWriter(actual, StandardCharsets.UTF_8),
            delimiter,
            nullString,
            recordSeparator)) {
      for (String[] row : rows) writer.row(row);
    }

    assertThat(new String(actual.toByteArray(), StandardCharsets.UTF_8))
        .isEqualTo(new String(expected.toByteArray(), StandardCharsets.UTF_8));
    assertThat(actual.toByteArray()).isEqualTo(expected.toByteArray());
  }

  private static String value(Random random) {
    int kind = random.nextInt(10);
    if (kind == 0) return null;
    if (kind == 1) return "";
    StringBuilder b = new StringBuilder();
    int pieces = 1 + random.nextInt(kind < 5 ? 3 : 12);
    for (int i = 0; i < pieces; i++) b.append(PIECES[random.nextInt(PIECES.length)]);
    return b.toString();
  }
}
