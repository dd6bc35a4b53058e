package dev.locality.activities.stages.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Python's {@code csv} module as an independent reader of the files {@code transform-csv} reads and
 * writes (strict mode, any field size, empty lines skipped as Commons CSV skips them, a UTF-8 BOM
 * dropped). Tests use it to check that no row is lost and that content survives unchanged.
 */
public final class PythonCsv {
  private static final String SCRIPT =
      String.join(
          "\n",
          "import csv, sys, json, hashlib",
          "csv.field_size_limit(sys.maxsize)",
          "with open(sys.argv[2], newline='', encoding='utf-8-sig') as f:",
          "    rows = [r for r in csv.reader(f, strict=True) if r]",
          "if sys.argv[1] == 'count':",
          "    print(len(rows) - 1)",
          "else:",
          "    print(hashlib.sha256(json.dumps(rows[1:]).encode()).hexdigest())");

  private PythonCsv() {}

  /** The data rows of a CSV file with a header row. */
  public static long dataRows(Path file) throws IOException, InterruptedException {
    return Long.parseLong(run("count", file));
  }

  /** A hash of the data rows' values (header excluded), equal for files with equal rows. */
  public static String rowsHash(Path file) throws IOException, InterruptedException {
    return run("hash", file);
  }

  private static final String SELECT_SCRIPT =
      String.join(
          "\n",
          "import csv, sys, json, hashlib",
          "csv.field_size_limit(sys.maxsize)",
          "columns = json.loads(sys.argv[2])",
          "keep = eval('lambda r: ' + sys.argv[3])",
          "with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:",
          "    reader = csv.DictReader(f, strict=True)",
          "    rows = [[r[c] for c in columns] for r in reader if keep(r)]",
          "print(len(rows), hashlib.sha256(json.dumps(rows).encode()).hexdigest())");

  /**
   * Python's own transform of a CSV file with a header: the rows for which {@code predicate} (a
   * Python expression over the row dict {@code r}) holds, reduced to {@code columns}; returns
   * {@code "<count> <hash>"}, the hash comparable with {@link #rowsHash} of the transformed file.
   */
  public static String selectWhere(Path file, List<String> columns, String predicate)
      throws IOException, InterruptedException {
    String json =
        columns.stream()
            .map(c -> "\"" + c + "\"")
            .collect(java.util.stream.Collectors.joining(",", "[", "]"));
    return exec(List.of("python3", "-c", SELECT_SCRIPT, file.toString(), json, predicate));
  }

  private static String run(String mode, Path file) throws IOException, InterruptedException {
    return exec(List.of("python3", "-c", SCRIPT, mode, file.toString()));
  }

  private static String exec(List<String> command) throws IOException, InterruptedException {
    String file = String.join(" ", command.subList(3, command.size()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("python3 csv on %s: %s", file, out).isZero();
    return out;
  }
}
