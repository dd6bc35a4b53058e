package dev.locality.cli.sniff;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether a CSV's first row names its columns, by votes per column as Python's {@code
 * csv.Sniffer.has_header} does: a column whose other values share a type (int, date, ...) votes for
 * a header when the first value is not of that type, against when it is; a column whose other
 * values all have one length votes by whether the first value's length differs. Without votes (text
 * columns of varied length) the first row is a header when its values are distinct, none empty, and
 * none of them recurs in its column. Not thread-safe.
 */
final class HeaderDetector {
  private final List<String> first;
  private final int[] length;
  private final boolean[] recurs;

  HeaderDetector(List<String> first) {
    this.first = List.copyOf(first);
    this.length = new int[first.size()];
    this.recurs = new boolean[first.size()];
    java.util.Arrays.fill(length, -1);
  }

  /** Takes one of the rows after the first (of the first row's width). */
  void accept(List<String> row) {
    for (int i = 0; i < first.size(); i++) {
      String value = row.get(i);
      if (value.equals(first.get(i))) recurs[i] = true;
      if (value.isEmpty()) continue;
      if (length[i] == -1) length[i] = value.length();
      else if (length[i] != value.length()) length[i] = -2;
    }
  }

  /**
   * @param columns the types inferred from the rows after the first, one per column
   */
  boolean firstRowIsHeader(List<TypeInference> columns) {
    Set<String> distinct = new HashSet<>(first);
    if (distinct.size() != first.size() || first.stream().anyMatch(String::isBlank)) return false;
    int votes = 0;
    for (int i = 0; i < first.size(); i++) {
      TypeInference column = columns.get(i);
      if (column.type() != null) votes += column.wouldAccept(first.get(i)) ? -1 : 1;
      else if (length[i] >= 0) votes += first.get(i).length() != length[i] ? 1 : -1;
    }
    if (votes != 0) return votes > 0;
    for (boolean r : recurs) if (r) return false;
    return true;
  }
}
