package dev.locality.stage;

/**
 * The input or configuration is wrong and retrying cannot help: a corrupt archive, a CSV with an
 * unbalanced quote, an unknown column, an HTTP 404. The pipeline fails at once with this message
 * (it never fails over to another worker). The message must name the problem and where it is.
 */
public class BadInputException extends RuntimeException {
  public BadInputException(String message) {
    super(message);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
