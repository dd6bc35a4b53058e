package dev.locality.cli.sniff;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads the first rows of a CSV stream and works out its dialect, header and column types (see
 * {@link DialectDetector}, {@link HeaderDetector}, {@link TypeInference}). Memory is bounded by the
 * head it inspects (1 MiB) and one record at a time; it stops reading after the sample, so closing
 * the stream afterwards ends a download early. Stateless; one instance per sample.
 */
public final class Sniffer {
  /** Bytes inspected for the encoding and the dialect. */
  static final int HEAD_BYTES = 1 << 20;

  /** The share of control characters (other than tab and line breaks) that makes text binary. */
  private static final double MAX_CONTROL_SHARE = 0.01;

  private final int rows;

  /**
   * @param rows data rows to sample (at least 1)
   */
  public Sniffer(int rows) {
    if (rows < 1) throw new IllegalArgumentException("rows must be at least 1");
    this.rows = rows;
  }

  /**
   * Samples {@code raw} (compressed or not); the caller closes it.
   *
   * @throws NotCsvException when it is empty or not text
   */
  public SniffResult sniff(InputStream raw) throws IOException, NotCsvException {
    Decompression.Opened opened = Decompression.open(raw);
    InputStream data = opened.data();
    byte[] head = data.readNBytes(HEAD_BYTES);
    if (head.length == 0)
      throw new NotCsvException(
          opened.compression() == null
              ? "the file is empty"
              : "the " + opened.compression() + " data holds an empty file");
    TextEncoding encoding = TextEncoding.detect(head, head.length);
    String headText =
        new String(
            head, encoding.bomLength(), head.length - encoding.bomLength(), encoding.charset());
    checkText(headText, opened.compression());
    boolean wholeFileInHead = head.length < HEAD_BYTES;
    Dialect dialect = DialectDetector.detect(wholeFileInHead ? headText : completeLines(headText));

    InputStream rest =
        new SequenceInputStream(
            new ByteArrayInputStream(
                head, encoding.bomLength(), head.length - encoding.bomLength()),
            data);
    Reader reader = new InputStreamReader(rest, encoding.charset());
    CSVParser parser = CSVParser.builder().setReader(reader).setFormat(dialect.format()).get();
    Iterator<CSVRecord> records = parser.iterator();
    List<String> first;
    try {
      if (!records.hasNext()) throw new NotCsvException("the file holds no CSV record");
      first = records.next().toList();
    } catch (UncheckedIOException | IllegalStateException e) {
      if (e.getCause() instanceof IOException io && !(io instanceof CSVException)) throw io;
      throw new NotCsvException("its first record is not CSV: " + e.getMessage());
    }
    List<TypeInference> columns = new ArrayList<>();
    for (int i = 0; i < first.size(); i++) columns.add(new TypeInference());
    HeaderDetector headerDetector = new HeaderDetector(first);
    long sampled = 0;
    long ragged = 0;
    boolean unparsable = false;
    boolean more;
    try {
      while ((more = records.hasNext()) && sampled < rows) {
        List<String> row = records.next().toList();
        sampled++;
        if (row.size() != first.size()) {
          ragged++;
          continue;
        }
        headerDetector.accept(row);
        for (int i = 0; i < row.size(); i++) columns.get(i).accept(row.get(i));
      }
    } catch (UncheckedIOException | IllegalStateException e) {
      if (e.getCause() instanceof IOException io && !(io instanceof CSVException)) throw io;
      // a record that does not parse (an unbalanced quote): the sample ends before it
      unparsable = true;
      more = true;
    }
    boolean header = headerDetector.firstRowIsHeader(columns);
    if (!header) {
      for (int i = 0; i < first.size(); i++) columns.get(i).accept(first.get(i));
      sampled++;
    }
    List<SniffResult.Column> described = new ArrayList<>();
    for (int i = 0; i < first.size(); i++) {
      TypeInference column = columns.get(i);
      described.add(
          new SniffResult.Column(
              header ? first.get(i) : "col" + (i + 1),
              column.type(),
              column.nonEmpty(),
              column.empty(),
              column.alternatives()));
    }
    return new SniffResult(
        opened.compression(),
        encoding.charset().name(),
        encoding.bomLength() > 0,
        dialect,
        header,
        described,
        sampled,
        ragged,
        unparsable,
        !more);
  }

  /** The text up to its last line break (the head may end inside a record). */
  private static String completeLines(String text) {
    int end = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
    return end < 0 ? text : text.substring(0, end + 1);
  }

  private static void checkText(String text, String compression) throws NotCsvException {
    long control = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0) {
        control = text.length();
        break;
      }
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') control++;
    }
    if (control > text.length() * MAX_CONTROL_SHARE)
      throw new NotCsvException(
          (compression == null ? "the file" : "the " + compression + " data")
              + " is binary, not CSV text (an archive, an image, a spreadsheet file?)");
  }
}
