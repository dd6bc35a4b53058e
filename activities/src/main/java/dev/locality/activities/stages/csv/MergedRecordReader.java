package dev.locality.activities.stages.csv;

import dev.locality.stage.BadInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The records of several CSV inputs read as one, for {@code output: {mode: merge}}: the first
 * input's records as they are (its header row first, when the inputs have one), then each further
 * input's records after its own header row, which must equal the first input's (after trimming,
 * when {@code trim: true}); a different header is bad input naming that input and the columns that
 * differ, an input without a header row is bad input naming it. Inputs are opened one at a time,
 * when the previous one is exhausted. {@link #line()} and {@link #currentName()} are the current
 * input's. Bad input from an input's parser is explained against that input ({@link
 * CsvFileTransform.InputOpener#explain}: corrupt compressed data below a parse error). Not
 * thread-safe.
 */
final class MergedRecordReader implements RecordReader {
  /** Opens input {@code index}'s records. */
  interface Opener {
    RecordReader open(Path source, String name) throws IOException;
  }

  private final List<Path> sources;
  private final List<String> names;
  private final Opener opener;
  private final CsvFileTransform.InputOpener inputs;
  private final boolean headerRows;
  private final UnaryOperator<List<String>> normalizeHeader;
  private final Runnable heartbeat;
  private List<String> header;
  private RecordReader current;
  private int index = -1;

  /**
   * @param headerRows whether each input starts with a header row
   * @param normalizeHeader how a header row is read into names (trimming)
   */
  MergedRecordReader(
      List<Path> sources,
      List<String> names,
      Opener opener,
      CsvFileTransform.InputOpener inputs,
      boolean headerRows,
      UnaryOperator<List<String>> normalizeHeader,
      Runnable heartbeat) {
    this.sources = sources;
    this.names = names;
    this.opener = opener;
    this.inputs = inputs;
    this.headerRows = headerRows;
    this.normalizeHeader = normalizeHeader;
    this.heartbeat = heartbeat;
  }

  /** The input whose record {@link #next} returned last. */
  String currentName() {
    return names.get(Math.max(index, 0));
  }

  @Override
  public String[] next() throws IOException {
    while (true) {
      if (current == null) {
        if (index + 1 >= sources.size()) return null;
        index++;
        current = opener.open(sources.get(index), names.get(index));
        if (index > 0 && headerRows) checkHeader(read());
      }
      String[] record = read();
      if (record != null) {
        if (index == 0 && headerRows && header == null) {
          header = normalizeHeader.apply(List.of(record.clone()));
        }
        return record;
      }
      current.close();
      current = null;
    }
  }

  private String[] read() throws IOException {
    try {
      return current.next();
    } catch (BadInputException e) {
      throw inputs.explain(sources.get(index), names.get(index), e, heartbeat);
    }
  }

  private void checkHeader(String[] row) {
    String name = names.get(index);
    if (row == null) {
      throw new BadInputException(
          "empty file: "
              + name
              + " has no header row; merged inputs must all start with the header of "
              + names.get(0));
    }
    if (header == null) return; // the first input was empty: its own check reports it
    List<String> other = normalizeHeader.apply(List.of(row.clone()));
    if (other.equals(header)) return;
    Set<String> missing = new LinkedHashSet<>(header);
    missing.removeAll(other);
    Set<String> extra = new LinkedHashSet<>(other);
    extra.removeAll(header);
    List<String> differences = new ArrayList<>();
    if (!missing.isEmpty()) differences.add("missing " + quoted(missing));
    if (!extra.isEmpty()) differences.add("extra " + quoted(extra));
    if (differences.isEmpty()) {
      for (int i = 0; i < header.size(); i++) {
        if (!header.get(i).equals(other.get(i))) {
          differences.add(
              "column " + (i + 1) + " is '" + other.get(i) + "' there, '" + header.get(i) + "'");
          break;
        }
      }
      differences.add("the same columns in another order");
    }
    throw new BadInputException(
        "the header of "
            + name
            + " differs from the header of "
            + names.get(0)
            + " ("
            + String.join("; ", differences)
            + "): output mode merge needs the same columns in every input; found "
            + other
            + ", expected "
            + header);
  }

  private static String quoted(Set<String> columns) {
    return "'" + String.join("', '", columns) + "'";
  }

  @Override
  public long line() {
    return current == null ? 0 : current.line();
  }

  @Override
  public void close() throws IOException {
    if (current != null) current.close();
  }
}
