package dev.locality.activities.stages.lookup;

import java.util.Locale;

/** How a lookup table is written. */
enum TableFormat {
  /** RFC 4180 CSV, comma-separated, a header first, UTF-8 (a byte order mark is dropped). */
  CSV,
  /** One JSON object per line, UTF-8; blank lines are skipped. */
  JSONL;

  /**
   * The format option's value: {@code csv}, {@code jsonl}, or {@code auto}, which goes by the file
   * name's extension ({@code .jsonl} and {@code .ndjson} are JSONL, anything else CSV).
   */
  static TableFormat of(String option, String fileName) {
    return switch (option) {
      case "csv" -> CSV;
      case "jsonl" -> JSONL;
      default -> {
        String name = fileName.toLowerCase(Locale.ROOT);
        yield name.endsWith(".jsonl") || name.endsWith(".ndjson") ? JSONL : CSV;
      }
    };
  }

  String optionValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
