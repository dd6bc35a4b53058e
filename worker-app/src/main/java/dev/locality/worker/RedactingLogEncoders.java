package dev.locality.worker;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.locality.stage.RedactedUrl;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The worker's and the CLI's log encoders, with every URL in a line {@linkplain RedactedUrl#inText
 * redacted}: whatever logs a URL (Locality, a plugin stage, the Temporal SDK, a library, a stack
 * trace's messages), its userinfo and query string never reach the log. The last line of defence;
 * Locality's own log calls redact already. Selected in {@code logback.xml}, {@code
 * locality-cli-logback.xml} and by {@link LogSetup} for JSON lines.
 */
public final class RedactingLogEncoders {
  private RedactingLogEncoders() {}

  /** A {@link PatternLayoutEncoder} whose lines are redacted. */
  public static final class Pattern extends PatternLayoutEncoder {
    @Override
    public byte[] encode(ILoggingEvent event) {
      Charset charset = getCharset() == null ? Charset.defaultCharset() : getCharset();
      return redact(super.encode(event), charset);
    }
  }

  /**
   * A {@link JsonEncoder} (UTF-8) whose lines are redacted. Logback escapes {@code /} as {@code \/}
   * in JSON strings, which hides URLs from the redaction; the line is written with plain {@code /}
   * (equally valid JSON) so that they are found.
   */
  public static final class Json extends JsonEncoder {
    private static final java.util.regex.Pattern ESCAPED_SLASH =
        java.util.regex.Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\/");

    @Override
    public byte[] encode(ILoggingEvent event) {
      byte[] line = super.encode(event);
      if (line == null) return null;
      String text = new String(line, StandardCharsets.UTF_8);
      if (text.indexOf('\\') < 0) return redact(line, StandardCharsets.UTF_8);
      String plain = ESCAPED_SLASH.matcher(text).replaceAll("$1/");
      return RedactedUrl.inText(plain).getBytes(StandardCharsets.UTF_8);
    }
  }

  static byte[] redact(byte[] line, Charset charset) {
    if (line == null) return null;
    String text = new String(line, charset);
    String redacted = RedactedUrl.inText(text);
    return redacted == text ? line : redacted.getBytes(charset);
  }
}
