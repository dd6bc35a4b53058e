package dev.locality.cli.sniff;

import java.util.List;

/**
 * What {@code locality sniff} found in a CSV sample.
 *
 * @param compression gzip, zstd, bzip2, xz, or null
 * @param encoding the charset's name ({@code UTF-8}, {@code windows-1252}, ...)
 * @param bom whether the file starts with a byte order mark
 * @param header whether the first row names the columns (else the names are {@code col1} ...)
 * @param rows data rows sampled (the header not counted)
 * @param raggedRows sampled rows with another field count than the first row (transform-csv rejects
 *     them)
 * @param unparsable whether the sample ended at a record that does not parse (an unbalanced quote)
 * @param complete whether the sample is the whole file
 */
public record SniffResult(
    String compression,
    String encoding,
    boolean bom,
    Dialect dialect,
    boolean header,
    List<Column> columns,
    long rows,
    long raggedRows,
    boolean unparsable,
    boolean complete) {

  /**
   * One column.
   *
   * @param type a transform-csv type spec, or null (text)
   * @param alternatives other date/time types every value fits too (ambiguous day/month order)
   */
  public record Column(
      String name, String type, long nonEmpty, long empty, List<String> alternatives) {}

  /** Whether a typed column has empty values (transform-csv needs {@code emptyAsNull} then). */
  public boolean typedColumnHasEmpties() {
    return columns.stream().anyMatch(c -> c.type() != null && c.empty() > 0);
  }

  public char delimiter() {
    return dialect.delimiter();
  }

  public char quote() {
    return dialect.quote();
  }

  public String lineEnding() {
    return dialect.lineEnding();
  }
}
