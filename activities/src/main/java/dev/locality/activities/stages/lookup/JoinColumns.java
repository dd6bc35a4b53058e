package dev.locality.activities.stages.lookup;

import dev.locality.stage.OptionType;
import java.util.Map;
import java.util.Set;

/**
 * The columns a {@code lookup} joins on: {@code input} in the rows being enriched, {@code table} in
 * the reference table. Written {@code on: zip_code} when both are called the same, else {@code on:
 * {input: zip, table: zip_code}}. Immutable.
 */
record JoinColumns(String input, String table) {
  /** The option type: a column name, or a mapping with exactly {@code input} and {@code table}. */
  static final OptionType<JoinColumns> TYPE =
      OptionType.simple("column or {input: column, table: column}", JoinColumns::convert);

  private static JoinColumns convert(Object raw) {
    if (raw instanceof String s) return new JoinColumns(name(s, "on"), name(s, "on"));
    if (raw instanceof Map<?, ?> map) {
      if (!map.keySet().equals(Set.of("input", "table")))
        throw new IllegalArgumentException(
            "expected a column name or a mapping with keys input and table, got keys "
                + map.keySet());
      return new JoinColumns(
          name(map.get("input"), "on.input"), name(map.get("table"), "on.table"));
    }
    throw new IllegalArgumentException(
        "expected a column name or {input: column, table: column}, got "
            + OptionType.describe(raw));
  }

  private static String name(Object value, String where) {
    if (!(value instanceof String s) || s.isBlank())
      throw new IllegalArgumentException(where + ": expected a column name, got " + value);
    return s;
  }
}
