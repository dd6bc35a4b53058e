package dev.locality.cli;

import dev.locality.cli.sniff.SniffResult;

/** The human summary {@code locality sniff} writes on stderr. Stateless. */
final class SniffSummary {
  private SniffSummary() {}

  static String text(String location, SniffResult r) {
    StringBuilder s = new StringBuilder();
    s.append(location)
        .append(": ")
        .append(r.compression() == null ? "" : r.compression() + ", ")
        .append(r.encoding())
        .append(r.bom() ? " with BOM" : "")
        .append(", delimiter ")
        .append(r.delimiter() == '\t' ? "TAB" : "'" + r.delimiter() + "'")
        .append(", quote ")
        .append(r.quote())
        .append(", ")
        .append(r.lineEnding())
        .append(" line endings, ")
        .append(r.header() ? "header row" : "no header row")
        .append('\n');
    s.append(r.rows())
        .append(" rows sampled")
        .append(r.complete() ? " (the whole file)" : "")
        .append(", ")
        .append(r.columns().size())
        .append(" columns:\n");
    int width = r.columns().stream().mapToInt(c -> c.name().length()).max().orElse(0);
    for (SniffResult.Column c : r.columns()) {
      s.append(
          String.format(
              "  %-" + Math.max(1, width) + "s  %-36s %d values",
              c.name(),
              c.type() == null ? "text" : c.type(),
              c.nonEmpty()));
      if (c.empty() > 0) s.append(", ").append(c.empty()).append(" empty");
      s.append('\n');
    }
    for (SniffResult.Column c : r.columns()) {
      if (!c.alternatives().isEmpty())
        s.append("note: ")
            .append(c.name())
            .append(" also fits ")
            .append(String.join(", ", c.alternatives()))
            .append("; check the day/month order\n");
    }
    if (r.raggedRows() > 0)
      s.append("note: ")
          .append(r.raggedRows())
          .append(
              " sampled rows have another field count than the first; transform-csv rejects"
                  + " them\n");
    if (r.unparsable())
      s.append("note: the sample ends at a record that does not parse (an unbalanced quote?);")
          .append(" transform-csv fails on it\n");
    return s.toString();
  }
}
