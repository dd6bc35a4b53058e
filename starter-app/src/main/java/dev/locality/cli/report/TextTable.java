package dev.locality.cli.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: a header row and data rows, columns padded to their widest cell, numbers
 * right-aligned. Not thread-safe; build, render, discard.
 */
public final class TextTable {
  private final String[] headers;
  private final boolean[] rightAligned;
  private final List<String[]> rows = new ArrayList<>();

  /** Headers ending in {@code >} are right-aligned (the marker is not printed). */
  public TextTable(String... headers) {
    this.headers = new String[headers.length];
    this.rightAligned = new boolean[headers.length];
    for (int i = 0; i < headers.length; i++) {
      rightAligned[i] = headers[i].endsWith(">");
      this.headers[i] =
          rightAligned[i] ? headers[i].substring(0, headers[i].length() - 1) : headers[i];
    }
  }

  public TextTable row(String... cells) {
    if (cells.length != headers.length) {
      throw new IllegalArgumentException(
          "expected " + headers.length + " cells, got " + cells.length);
    }
    rows.add(cells.clone());
    return this;
  }

  /** Renders every line with the given indent, each ending in a newline. */
  public String render(String indent) {
    int[] widths = new int[headers.length];
    for (int i = 0; i < headers.length; i++) widths[i] = headers[i].length();
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) widths[i] = Math.max(widths[i], row[i].length());
    }
    StringBuilder out = new StringBuilder();
    appendLine(out, indent, headers, widths);
    for (String[] row : rows) appendLine(out, indent, row, widths);
    return out.toString();
  }

  private void appendLine(StringBuilder out, String indent, String[] cells, int[] widths) {
    StringBuilder line = new StringBuilder(indent);
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) line.append("  ");
      String pad = " ".repeat(widths[i] - cells[i].length());
      line.append(rightAligned[i] ? pad + cells[i] : cells[i] + pad);
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }
}
