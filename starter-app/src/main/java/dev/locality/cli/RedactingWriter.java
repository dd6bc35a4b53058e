package dev.locality.cli;

import dev.locality.stage.RedactedUrl;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * Standard output and error of every command, with every URL {@linkplain RedactedUrl#inText
 * redacted}: a spec's or a batch's URLs, results and failures never show a URL's userinfo or query
 * string (a password, a presigned signature) on a terminal, in a CI log or in a {@code --json}
 * report. The safety net behind the commands' own care. Text is held until a line ends ({@code \n}
 * or {@code \r}) or {@link #flush}, then redacted as a whole line, so a URL written in pieces
 * ({@code printf} appends each argument separately) is still recognised; a URL never spans lines.
 * Not thread-safe beyond what the wrapped writer is.
 */
final class RedactingWriter extends Writer {
  private final PrintWriter out;
  private final StringBuilder pending = new StringBuilder();

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
    pending.append(text);
    int lineEnd = Math.max(pending.lastIndexOf("\n"), pending.lastIndexOf("\r"));
    if (lineEnd < 0) return;
    out.write(RedactedUrl.inText(pending.substring(0, lineEnd + 1)));
    pending.delete(0, lineEnd + 1);
  }

  @Override
  public void flush() {
    if (pending.length() > 0) {
      out.write(RedactedUrl.inText(pending.toString()));
      pending.setLength(0);
    }
    out.flush();
  }

  @Override
  public void close() {
    flush();
    out.close();
  }
}
