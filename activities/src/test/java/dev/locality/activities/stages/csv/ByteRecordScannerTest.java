package dev.locality.activities.stages.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The byte scanner against FastCSV's reader (records, values, line numbers, refusals) on random and
 * bench-like CSV, with the input arriving whole and a few bytes at a time (so every record, quote,
 * CR LF pair and UTF-8 sequence is cut by a read somewhere), and its buffer growing for a large
 * record up to the limit and no further.
 */
class ByteRecordScannerTest {
  private static final long LIMIT = RecordSizeGuard.MIN_LIMIT;

  @Test
  void givesFastCsvsRecordsAndLinesWhetherTheInputComesWholeOrInDribbles() throws IOException {
    Random random = new Random(42);
    int compared = 0;
    for (int i = 0; i < 3000; i++) {
      byte[] bytes =
          (i % 100 == 0)
              ? CsvEngineConformanceTest.benchLike(200 + i)
              : CsvEngineConformanceTest.randomCsv(random).getBytes(StandardCharsets.UTF_8);
      String label = new String(bytes, StandardCharsets.UTF_8);
      String reference = fastCsv(bytes);
      String whole = scan(new ByteArrayInputStream(bytes), LIMIT, 0);
      String dribbled = scan(new Dribble(bytes, new Random(i)), LIMIT, 0);
      assertThat(dribbled).as("dribbled vs whole: %s", label).isEqualTo(whole);
      assertThat(whole).as("byte scanner vs FastCSV: %s", label).isEqualTo(reference);
      compared++;
    }
    assertThat(compared).isEqualTo(3000);
  }

  @Test
  void skipsAByteOrderMarkAndTheSkippedLinesEvenWhenReadsCutThem() throws IOException {
    byte[] bytes = "\uFEFFjunk line\nmore\r\na,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
    for (int seed = 0; seed < 50; seed++) {
      assertThat(scan(new Dribble(bytes, new Random(seed)), LIMIT, 2))
          .isEqualTo("3:[a, b]\n4:[1, 2]\n");
    }
  }

  @Test
  void refusesWhatTheReferenceMustJudge() {
    String[] refused = {
      "a,b\n\"x\"y,z\n", // text after a closing quote
      "a,b\n1,\"open\n", // an unclosed quote
      "a,b\n1,\u0000\n", // NUL
    };
    for (String input : refused) {
      assertThatThrownBy(() -> records(input.getBytes(StandardCharsets.UTF_8), LIMIT))
          .as(input)
          .isInstanceOf(FastCsvRefusedException.class);
    }
    byte[] latin1 = "a,b\n1,K\u00f6ln\n".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> records(latin1, LIMIT))
        .isInstanceOf(FastCsvRefusedException.class)
        .hasMessageContaining("UTF-8");
    byte[] cut = Arrays.copyOf("a,b\n1,\u00e9".getBytes(StandardCharsets.UTF_8), 7);
    assertThatThrownBy(() -> records(cut, LIMIT)).isInstanceOf(FastCsvRefusedException.class);
  }

  @Test
  void growsItsBufferForARecordUpToTheLimitAndNoFurther() throws IOException {
    String big = "x".repeat(3 << 20);
    byte[] bytes = ("a,b\n1,\"" + big + "\"\n2,3\n").getBytes(StandardCharsets.UTF_8);
    try (ByteRecordScanner scanner =
        new ByteRecordScanner(stream(bytes), ',', '"', ',', 4 << 20, 0)) {
      assertThat(scanner.next()).isTrue();
      assertThat(scanner.next()).isTrue();
      assertThat(scanner.text(1)).hasSize(big.length());
      assertThat(scanner.next()).isTrue();
      assertThat(scanner.texts()).containsExactly("2", "3");
      assertThat(scanner.line()).isEqualTo(3);
      assertThat(scanner.next()).isFalse();
    }
    assertThatThrownBy(() -> records(bytes, 1 << 20))
        .isInstanceOf(FastCsvRefusedException.class)
        .hasMessageContaining("size limit");
  }

  /** Records as "line:[values]" lines, or the refusal. */
  private static String scan(InputStream in, long limit, long skipLines) throws IOException {
    StringBuilder out = new StringBuilder();
    try {
      records(in, limit, skipLines, out);
    } catch (FastCsvRefusedException e) {
      return out + "refused";
    }
    return out.toString();
  }

  /** Appends the records to {@code out}; a refusal is thrown. */
  private static void records(InputStream in, long limit, long skipLines, StringBuilder out)
      throws IOException {
    try (ByteRecordScanner scanner = new ByteRecordScanner(in, ',', '"', ',', limit, skipLines)) {
      while (scanner.next()) {
        out.append(scanner.line()).append(':').append(Arrays.toString(scanner.texts()));
        out.append('\n');
      }
    }
  }

  private static void records(byte[] bytes, long limit) throws IOException {
    records(stream(bytes), limit, 0, new StringBuilder());
  }

  /** FastCSV's records as {@link #scan} prints them, read as {@link CsvFileTransform} reads. */
  private static String fastCsv(byte[] bytes) throws IOException {
    StringBuilder out = new StringBuilder();
    BufferedReader text =
        new BufferedReader(
            new StrictTextReader(stream(bytes), StandardCharsets.UTF_8, 64 * 1024, true));
    text.mark(1);
    if (text.read() != '\uFEFF') text.reset();
    try (FastRecordReader reader =
        new FastRecordReader(text, ',', '"', LIMIT, "in.csv", 0, StandardCharsets.UTF_8)) {
      for (String[] row; (row = reader.next()) != null; ) {
        out.append(reader.line()).append(':').append(Arrays.toString(row)).append('\n');
      }
    } catch (FastCsvRefusedException e) {
      return out + "refused";
    }
    return out.toString();
  }

  private static InputStream stream(byte[] bytes) {
    return new ByteArrayInputStream(bytes);
  }

  /** Hands out one to five bytes per read. */
  private static final class Dribble extends FilterInputStream {
    private final Random random;

    Dribble(byte[] bytes, Random random) {
      super(new ByteArrayInputStream(bytes));
      this.random = random;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return super.read(b, off, Math.min(len, 1 + random.nextInt(5)));
    }
  }
}
