package dev.locality.cli;

import dev.locality.stage.RedactedUrl;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * Standard output and error of every command, with every URL {@linkplain RedactedUrl#inText
 * redacted}: a spec's or a batch's URLs, results and failures never show a URL's userinfo or query
 * string (a password, a presigned signature) on a terminal, in a CI log or in a {@code --json}
 * report. The safety net behind the commands' own care; each {@code write} is redacted on its own,
 * so a URL must not be split across two writes (the commands print whole strings). Not thread-safe
 * beyond what the wrapped writer is.
 */
final class RedactingWriter extends Writer {
  private final PrintWriter out;

  private RedactingWriter(PrintWriter out) {
    this.out = out;
  }

  /** {@code out} behind a redacting writer; flushes on {@code println} as {@code out} does. */
  static PrintWriter wrap(PrintWriter out) {
    return new PrintWriter(new RedactingWriter(out), true);
  }

  @Override
  public void write(char[] buffer, int offset, int length) {
    write(new String(buffer, offset, length));
  }

  @Override
  public void write(String text, int offset, int length) {
    write(text.substring(offset, offset + length));
  }

  @Override
  public void write(String text) {
    out.write(RedactedUrl.inText(text));
  }

  @Override
  public void flush() {
    out.flush();
  }

  @Override
  public void close() {
    out.close();
  }
}
