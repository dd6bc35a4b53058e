package dev.locality.activities.stages.csv;

import dev.locality.activities.stages.internal.Buffers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.Charset;
import org.apache.commons.csv.CSVFormat;

/**
 * Opens CSV text for stages other than {@code transform-csv} with the same guards it reads with:
 * strict decoding ({@link StrictTextReader}: undecodable bytes are bad input naming the line), a
 * byte order mark dropped, records bounded by {@link RecordSizeGuard} (an unbalanced quote is bad
 * input naming where it opened, never an {@link OutOfMemoryError}), parsed by Commons CSV ({@link
 * CommonsRecordReader}: malformed CSV is bad input naming the file and line). Stateless.
 */
public final class CsvRecords {
  private CsvRecords() {}

  /**
   * The records of {@code in}, header first.
   *
   * @param name the input's name for messages
   * @param format the dialect (delimiter, quote); records are read as they are, no header handling
   * @param maxRecordBytes the largest record, worker setting {@link
   *     TransformCsvOptions#MAX_CSV_FIELD_BYTES}
   */
  public static RecordReader open(
      InputStream in, String name, CSVFormat format, Charset encoding, long maxRecordBytes)
      throws IOException {
    BufferedReader text =
        new BufferedReader(new StrictTextReader(in, encoding, Buffers.SIZE), Buffers.SIZE);
    try {
      text.mark(1);
      if (text.read() != '\uFEFF') text.reset();
      Reader guarded =
          new RecordSizeGuard(
              text,
              Math.max(RecordSizeGuard.MIN_LIMIT, maxRecordBytes),
              format.getDelimiterString().charAt(0),
              format.getQuoteCharacter(),
              format.getEscapeCharacter(),
              1);
      return new CommonsRecordReader(guarded, format, name, 0, encoding);
    } catch (IOException | RuntimeException e) {
      text.close();
      throw e;
    }
  }
}
