package dev.locality.activities.stages.decompress;

import dev.locality.stage.BadInputException;
import java.io.EOFException;
import java.io.IOException;

/**
 * The wording of a decompressor's failure, shared by {@link Extraction} and {@link
 * InlineDecompression}: corrupt or truncated content is bad input naming the format, the input, the
 * entry and the compressed offset reached; a read failure of the input file itself stays a
 * transient {@link IOException}. Stateless.
 */
final class CorruptInput {
  private CorruptInput() {}

  /**
   * The bad input {@code e} stands for.
   *
   * @param entryName the archive entry being read, or null
   * @param where where in the input, as {@link #where} says it
   * @throws IOException the input file's own read failure when {@code e} is one (transient)
   */
  static BadInputException of(
      Throwable e, String format, String input, String entryName, String where) throws IOException {
    rethrowReadFailure(e);
    String detail =
        e instanceof EOFException
            ? "unexpected end of data (the input is truncated)"
                + (e.getMessage() == null ? "" : ": " + e.getMessage())
            : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new BadInputException(
        "corrupt or truncated "
            + format
            + " data in "
            + input
            + (entryName == null ? "" : " (entry '" + entryName + "')")
            + " "
            + where
            + ": "
            + detail,
        e);
  }

  /** {@code at compressed offset <consumed> of <size> bytes}. */
  static String where(long consumed, long size) {
    return "at compressed offset " + consumed + " of " + size + " bytes";
  }

  /** Throws the input file's read failure in {@code e}'s cause chain, if there is one. */
  static void rethrowReadFailure(Throwable e) throws IOException {
    IOException failure = SourceStream.readFailureIn(e);
    if (failure != null) throw failure;
  }
}
