package dev.locality.cli.sniff;

import dev.locality.activities.stages.csv.ColumnType;
import java.util.ArrayList;
import java.util.List;

/**
 * Infers one column's transform-csv type from sampled values, with transform-csv's own parser
 * ({@link ColumnType#convert}): a type survives while every non-empty value converts, so the
 * suggested type never rejects a sampled row. Numbers and booleans must also keep their text
 * ({@code 007} is no int, {@code 1e3} no decimal, {@code TRUE} no boolean): typing them would
 * rewrite the value. Dates and timestamps are rewritten to ISO on purpose. Not thread-safe.
 */
final class TypeInference {
  /**
   * The candidates, most specific first: the first one left wins. Timestamps take ISO-like text
   * with optional seconds and milliseconds ({@code 2025-01-01T00:01Z} as written by Java).
   */
  static final List<String> CANDIDATES =
      List.of(
          "int",
          "long",
          "decimal",
          "boolean",
          "date:yyyy-MM-dd",
          "date:dd.MM.yyyy",
          "date:dd/MM/yyyy",
          "date:MM/dd/yyyy",
          "date:yyyyMMdd",
          "timestamp:yyyy-MM-dd'T'HH:mm[:ss][.SSS]XXX",
          "timestamp:yyyy-MM-dd'T'HH:mm[:ss][.SSS]",
          "timestamp:yyyy-MM-dd HH:mm[:ss][.SSS]XXX",
          "timestamp:yyyy-MM-dd HH:mm[:ss][.SSS]");

  private static final int TEXT_KEEPING = 4; // the first four candidates must keep the text

  private final List<ColumnType> alive = new ArrayList<>();
  private final List<Boolean> keepsText = new ArrayList<>();
  private long values;
  private long empty;

  TypeInference() {
    for (int i = 0; i < CANDIDATES.size(); i++) {
      alive.add(ColumnType.parse(CANDIDATES.get(i)));
      keepsText.add(i < TEXT_KEEPING);
    }
  }

  void accept(String value) {
    if (value.isEmpty()) {
      empty++;
      return;
    }
    values++;
    for (int i = alive.size() - 1; i >= 0; i--) {
      if (!accepts(i, value)) {
        alive.remove(i);
        keepsText.remove(i);
      }
    }
  }

  /** Whether {@code value} would pass the type inferred so far (without changing it). */
  boolean wouldAccept(String value) {
    return !alive.isEmpty() && accepts(0, value);
  }

  private boolean accepts(int candidate, String value) {
    try {
      ColumnType.Value converted = alive.get(candidate).convert(value);
      return !keepsText.get(candidate) || converted.text().equals(value);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The inferred type's spec ({@code int}, {@code date:yyyy-MM-dd}), or null: keep as text. */
  String type() {
    return values == 0 || alive.isEmpty() ? null : alive.get(0).toString();
  }

  /** Other types every value also fits (an ambiguous date: dd/MM and MM/dd), for the summary. */
  List<String> alternatives() {
    if (values == 0 || alive.size() < 2) return List.of();
    return alive.subList(1, alive.size()).stream()
        .map(ColumnType::toString)
        .filter(t -> t.startsWith("date:") || t.startsWith("timestamp:"))
        .filter(t -> type().startsWith("date:") || type().startsWith("timestamp:"))
        .toList();
  }

  long nonEmpty() {
    return values;
  }

  long empty() {
    return empty;
  }
}
