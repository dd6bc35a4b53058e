package dev.locality.examples.csvjsonl;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes one CSV record as one JSON object on one line, keys in header order. Values are JSON
 * strings; with {@code numbers} a value spelled like a JSON number is written as a number, and with
 * {@code emptyAsNull} an empty value is {@code null}. Immutable and thread-safe.
 */
final class JsonLine {
  private static final Pattern JSON_NUMBER =
      Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?");

  private final List<String> quotedKeys;
  private final boolean numbers;
  private final boolean emptyAsNull;

  JsonLine(List<String> header, boolean numbers, boolean emptyAsNull) {
    this.quotedKeys = header.stream().map(JsonLine::quote).toList();
    this.numbers = numbers;
    this.emptyAsNull = emptyAsNull;
  }

  /** Writes {@code values} (as many as header columns) and a newline. */
  void write(List<String> values, Writer out) throws IOException {
    out.write('{');
    for (int i = 0; i < quotedKeys.size(); i++) {
      if (i > 0) out.write(',');
      out.write(quotedKeys.get(i));
      out.write(':');
      String value = values.get(i);
      if (emptyAsNull && value.isEmpty()) out.write("null");
      else if (numbers && JSON_NUMBER.matcher(value).matches()) out.write(value);
      else out.write(quote(value));
    }
    out.write("}\n");
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }
}
