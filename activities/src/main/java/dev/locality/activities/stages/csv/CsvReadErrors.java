package dev.locality.activities.stages.csv;

import dev.locality.stage.BadInputException;
import dev.locality.stage.ByteSizes;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;

/**
 * Turns what goes wrong below a CSV parser (the {@link RecordSizeGuard}, the {@link
 * StrictTextReader}) into bad input naming the file and line, whichever engine parses. Stateless.
 */
final class CsvReadErrors {
  private CsvReadErrors() {}

  /**
   * The bad input {@code cause} stands for, or null when it is none of the input's faults (then it
   * stays a transient I/O error).
   *
   * @param line the line the parser was reading, for errors that carry none
   */
  static BadInputException of(IOException cause, String name, long line, Charset encoding) {
    if (cause instanceof RecordSizeGuard.RecordTooLargeException tooLarge) {
      return recordTooLarge(name, tooLarge);
    }
    if (cause instanceof RecordSizeGuard.NulCharacterException nul) {
      return new BadInputException(
          name
              + " line "
              + nul.line()
              + ": a NUL character, which CSV text never holds: the file is binary or in"
              + " another encoding (UTF-16? set option 'encoding')",
          nul);
    }
    if (cause instanceof StrictTextReader.UndecodableTextException undecodable) {
      return new BadInputException(
          name + " line " + undecodable.line() + ": " + undecodable.getMessage(), undecodable);
    }
    if (cause instanceof CharacterCodingException) {
      return new BadInputException(
          name + " near line " + line + ": not valid " + encoding.name() + " text", cause);
    }
    return null;
  }

  private static BadInputException recordTooLarge(
      String name, RecordSizeGuard.RecordTooLargeException e) {
    String where =
        e.openQuoteLine() > 0
            ? "; a quoted field opened on line "
                + e.openQuoteLine()
                + " is still open after "
                + e.chars()
                + " characters: an unbalanced quote is the likely cause"
            : " ("
                + e.chars()
                + " characters in "
                + e.fields()
                + (e.fields() == 1 ? " field" : " fields")
                + " so far)";
    return new BadInputException(
        name
            + " line "
            + e.startLine()
            + ": the record starting on this line is larger than worker setting "
            + TransformCsvOptions.MAX_CSV_FIELD_BYTES.name()
            + "="
            + ByteSizes.format(e.limit())
            + where
            + (e.openQuoteLine() > 0 ? "" : "; raise the setting if such records are expected"),
        e);
  }
}
