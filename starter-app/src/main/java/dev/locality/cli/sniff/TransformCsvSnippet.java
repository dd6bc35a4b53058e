package dev.locality.cli.sniff;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes a sniff result as a ready-to-paste {@code transform-csv} stage in YAML: only the reading
 * options that differ from the stage's defaults ({@code delimiter}, {@code quote}, {@code header},
 * {@code encoding}), {@code emptyAsNull: true} when a typed column has empty values (transform-csv
 * would reject them otherwise), and the {@code types} block. Indented as an item of a spec's {@code
 * stages} list. Stateless.
 */
public final class TransformCsvSnippet {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
  private static final Set<String> YAML_WORDS =
      Set.of("true", "false", "yes", "no", "on", "off", "null", "y", "n");

  private TransformCsvSnippet() {}

  public static String yaml(SniffResult result) {
    StringBuilder y = new StringBuilder("  - type: transform-csv\n");
    if (result.delimiter() != Dialect.DEFAULT_DELIMITER)
      y.append("    delimiter: ").append(scalar(String.valueOf(result.delimiter()))).append('\n');
    if (result.quote() != Dialect.DEFAULT_QUOTE)
      y.append("    quote: ").append(scalar(String.valueOf(result.quote()))).append('\n');
    if (!result.header()) {
      List<String> names = result.columns().stream().map(SniffResult.Column::name).toList();
      y.append("    header: [")
          .append(names.stream().map(TransformCsvSnippet::scalar).collect(Collectors.joining(", ")))
          .append("]   # the file has no header row\n");
    }
    if (!result.encoding().equals("UTF-8"))
      y.append("    encoding: ").append(scalar(result.encoding())).append('\n');
    if (result.typedColumnHasEmpties())
      y.append("    emptyAsNull: true   # typed columns have empty values\n");
    List<SniffResult.Column> typed =
        result.columns().stream().filter(c -> c.type() != null).toList();
    if (!typed.isEmpty()) {
      y.append("    types:\n");
      for (SniffResult.Column c : typed)
        y.append("      ")
            .append(scalar(c.name()))
            .append(": ")
            .append(scalar(c.type()))
            .append('\n');
    }
    return y.toString();
  }

  /** {@code s} as a YAML scalar: plain when that reads back as the same string, else quoted. */
  static String scalar(String s) {
    if (PLAIN.matcher(s).matches() && !YAML_WORDS.contains(s.toLowerCase(Locale.ROOT))) return s;
    StringBuilder q = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> q.append("\\\"");
        case '\\' -> q.append("\\\\");
        case '\t' -> q.append("\\t");
        case '\n' -> q.append("\\n");
        case '\r' -> q.append("\\r");
        default -> {
          if (c < 0x20) q.append(String.format("\\x%02x", (int) c));
          else q.append(c);
        }
      }
    }
    return q.append('"').toString();
  }
}
