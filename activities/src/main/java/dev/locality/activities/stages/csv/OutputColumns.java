package dev.locality.activities.stages.csv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The columns of one output file: names, and the declared type of each (null for text: untyped and
 * derived columns). Immutable.
 *
 * @param names the output header
 * @param types for each column, its {@link ColumnType} or null
 */
record OutputColumns(List<String> names, List<ColumnType> types) {
  OutputColumns {
    if (names.size() != types.size())
      throw new IllegalArgumentException(names.size() + " names, " + types.size() + " types");
    names = List.copyOf(names);
    types = Collections.unmodifiableList(new ArrayList<>(types));
  }

  int size() {
    return names.size();
  }

  /** These columns without those at {@code dropped} (sorted indexes), e.g. partition columns. */
  OutputColumns without(int[] dropped) {
    List<String> n = new ArrayList<>();
    List<ColumnType> t = new ArrayList<>();
    for (int i = 0, d = 0; i < names.size(); i++) {
      if (d < dropped.length && dropped[d] == i) {
        d++;
        continue;
      }
      n.add(names.get(i));
      t.add(types.get(i));
    }
    return new OutputColumns(n, t);
  }
}
