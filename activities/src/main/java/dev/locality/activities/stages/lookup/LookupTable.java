package dev.locality.activities.stages.lookup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A reference table in memory: its rows by the value of the key column, every column kept (so
 * pipelines that add different columns share one loaded table). Built by {@link TableParser};
 * immutable once built, so it is safe to share between sessions on any number of threads.
 */
final class LookupTable {
  /** Bytes of a HashMap node, its slot and the row's array header, about. */
  private static final long ROW_OVERHEAD = 32 + 8 + 16 + 16;

  /** Bytes of a String besides its characters (Latin-1: one byte each), about. */
  private static final long STRING_OVERHEAD = 40;

  private final List<String> columns;
  private final Map<String, Integer> index;
  private final String keyColumn;
  private final Map<String, String[]> rows;
  private final long weightBytes;

  private LookupTable(
      List<String> columns, String keyColumn, Map<String, String[]> rows, long weightBytes) {
    this.columns = List.copyOf(columns);
    this.keyColumn = keyColumn;
    this.rows = rows;
    this.weightBytes = weightBytes;
    Map<String, Integer> byName = new HashMap<>();
    for (int i = 0; i < this.columns.size(); i++) byName.putIfAbsent(this.columns.get(i), i);
    this.index = Map.copyOf(byName);
  }

  /** The table's columns in their first appearance's order. */
  List<String> columns() {
    return columns;
  }

  String keyColumn() {
    return keyColumn;
  }

  /** The column's position, or -1 when the table has no such column. */
  int column(String name) {
    return index.getOrDefault(name, -1);
  }

  /**
   * The row whose key column holds {@code key}, or null; a row may be shorter than {@link
   * #columns()} (JSONL: fields it lacks are empty).
   */
  String[] row(String key) {
    return rows.get(key);
  }

  /** The value of column {@code column} in {@code row}: empty when the row lacks it. */
  static String value(String[] row, int column) {
    return column < row.length && row[column] != null ? row[column] : "";
  }

  int size() {
    return rows.size();
  }

  /** About the heap bytes the table takes. */
  long weightBytes() {
    return weightBytes;
  }

  /** Collects rows; {@link #add} refuses a key twice. Not thread-safe. */
  static final class Builder {
    private final String keyColumn;
    private final List<String> columns = new ArrayList<>();
    private final Map<String, String[]> rows = new HashMap<>();
    private final Map<String, Long> lines = new HashMap<>();
    private long weight;

    Builder(String keyColumn) {
      this.keyColumn = keyColumn;
    }

    /** The position of {@code column}, adding it when new. */
    int column(String name) {
      int i = columns.indexOf(name);
      if (i >= 0) return i;
      columns.add(name);
      weight += STRING_OVERHEAD + name.length();
      return columns.size() - 1;
    }

    List<String> columns() {
      return columns;
    }

    String keyColumn() {
      return keyColumn;
    }

    /**
     * Adds a row.
     *
     * @return the line of the row already holding {@code key}, or -1 when it is new (and added)
     */
    long add(String key, String[] row, long line) {
      Long first = lines.putIfAbsent(key, line);
      if (first != null) return first;
      rows.put(key, row);
      weight += ROW_OVERHEAD + 4L * row.length; // the key is one of the row's values
      for (String v : row) if (v != null) weight += STRING_OVERHEAD + v.length();
      return -1;
    }

    LookupTable build() {
      return new LookupTable(columns, keyColumn, rows, weight);
    }
  }
}
