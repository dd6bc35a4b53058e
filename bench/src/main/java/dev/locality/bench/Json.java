package dev.locality.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The harness's JSON: one mapper (indented output), and the JSON line a child process prints. */
final class Json {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  /** The last line of {@code text} that starts with {@code {}. */
  static String lastJsonLine(String text) {
    String last = null;
    for (String line : text.split("\n")) if (line.trim().startsWith("{")) last = line.trim();
    if (last == null) throw new IllegalStateException("no JSON line in output:\n" + text);
    return last;
  }
}
