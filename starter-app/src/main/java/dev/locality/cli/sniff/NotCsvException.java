package dev.locality.cli.sniff;

/** The sampled input is not CSV text (empty, binary, not a known text encoding). */
public final class NotCsvException extends Exception {
  public NotCsvException(String message) {
    super(message);
  }
}
