package dev.locality.activities.stages.csv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.stage.BadInputException;
import dev.locality.stage.testkit.StageTestRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code output: {mode: merge|each}}: many inputs into one output, or one output each. */
class TransformCsvMergeTest {
  @TempDir Path tmp;

  private StageTestRunner transform(Map<String, Object> output) {
    return StageTestRunner.of(new TransformCsvStage(), tmp).option("output", output);
  }

  @Test
  void mergeWritesEveryInputsRowsUnderOneHeaderInInputOrder() throws Exception {
    var runner = transform(Map.of("mode", "merge"));
    List<Path> inputs = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      StringBuilder csv = new StringBuilder("id,city,note\n");
      for (int r = 0; r < 30 + i; r++) {
        csv.append(i).append('-').append(r).append(",\"Zürich, CH\",\"say \"\"hi\"\"\nnext\"\n");
      }
      String name = String.format("in/day-%02d.csv", i);
      runner.input(name, csv.toString());
      inputs.add(runner.sessionDir().resolve("inputs").resolve(name));
    }
    var run = runner.run();
    assertThat(run.outputNames()).containsExactly("merged.csv");
    Path merged = run.file("merged.csv");
    assertThat(Files.readAllLines(merged).stream().filter(l -> l.startsWith("id,"))).hasSize(1);
    List<Path> sources = findInputs(runner.sessionDir(), 12);
    assertThat(pythonRowsHash(List.of(merged))).isEqualTo(pythonRowsHash(sources));
    long rows = 0;
    for (int i = 1; i <= 12; i++) rows += 30 + i;
    assertThat(run.metrics().rowsIn()).isEqualTo(rows);
    assertThat(run.metrics().rowsOut()).isEqualTo(rows);
    assertThat(run.outputs().get(0).rows()).isEqualTo(rows);
  }

  @Test
  void mergeReadsCompressedInputsAndNamesTheOutput() throws Exception {
    var runner =
        transform(Map.of("mode", "merge", "name", "all-sales.csv"))
            .option("outputCompression", "gzip");
    runner.input("a.csv.gz", gzip("k,v\na,1\n"));
    runner.input("b.csv", "k,v\nb,2\n");
    var run = runner.run();
    assertThat(run.outputNames()).containsExactly("all-sales.csv.gz");
    assertThat(gunzip(run.file("all-sales.csv.gz"))).isEqualTo("k,v\na,1\nb,2\n");
  }

  @Test
  void aDifferentHeaderIsBadInputNamingTheFileAndTheColumns() throws Exception {
    var runner = transform(Map.of("mode", "merge"));
    runner.input("a.csv", "id,amount,day\n1,2,3\n");
    runner.input("b.csv", "id,amount,day\n4,5,6\n");
    runner.input("c.csv", "id,total,day,extra\n7,8,9,10\n");
    BadInputException e = runner.runExpectingBadInput();
    assertThat(e)
        .hasMessageContaining("c.csv")
        .hasMessageContaining("a.csv")
        .hasMessageContaining("missing 'amount'")
        .hasMessageContaining("extra 'total', 'extra'");
    assertThat(files(runner.outputDir())).isEmpty();
  }

  @Test
  void reorderedColumnsAreADifferentHeader() throws Exception {
    var runner = transform(Map.of("mode", "merge"));
    runner.input("a.csv", "x,y\n1,2\n");
    runner.input("b.csv", "y,x\n2,1\n");
    assertThat(runner.runExpectingBadInput())
        .hasMessageContaining("b.csv")
        .hasMessageContaining("another order");
  }

  @Test
  void anInputWithoutHeaderRowIsBadInputNamingIt() throws Exception {
    var runner = transform(Map.of("mode", "merge"));
    runner.input("a.csv", "x,y\n1,2\n");
    runner.input("b.csv", "");
    assertThat(runner.runExpectingBadInput())
        .hasMessageContaining("b.csv")
        .hasMessageContaining("no header");
  }

  @Test
  void rejectsOfEveryInputGoToOneFileWhoseReasonNamesTheInput() throws Exception {
    var runner = transform(Map.of("mode", "merge")).option("types", Map.of("n", "int"));
    runner.input("a.csv", "n\n1\nnope\n2\n");
    runner.input("b.csv", "n\n3\n4,5\n");
    var run = runner.run();
    assertThat(run.outputNames()).containsExactly("merged.csv", "merged.rejects.csv");
    assertThat(run.text("merged.csv")).isEqualTo("n\n1\n2\n3\n");
    String rejects = run.text("merged.rejects.csv");
    assertThat(rejects)
        .contains("3,a.csv: ")
        .contains("3,\"b.csv: has 2 fields, header has 1\",\"4,5\"");
    assertThat(run.metrics().rowsRejected()).isEqualTo(2);
    assertThat(run.metrics().rowsIn()).isEqualTo(5);
  }

  @Test
  void dedupeSpansAllMergedInputs() throws Exception {
    var runner = transform(Map.of("mode", "merge")).option("dedupe", List.of("k"));
    runner.input("a.csv", "k,v\n1,a\n2,b\n");
    runner.input("b.csv", "k,v\n2,c\n3,d\n");
    var run = runner.run();
    assertThat(run.text("merged.csv")).isEqualTo("k,v\n1,a\n2,b\n3,d\n");
    assertThat(run.metrics().rowsFiltered()).isEqualTo(1);
  }

  @Test
  void eachWritesOneOutputPerInputAsWithoutTheOption() throws Exception {
    var runner = transform(Map.of("mode", "each"));
    runner.input("a.csv", "x\n1\n");
    runner.input("b.csv", "y\n2\n");
    var run = runner.run();
    assertThat(run.outputNames()).containsExactly("a.csv", "b.csv");
    assertThat(run.text("b.csv")).isEqualTo("y\n2\n");
  }

  @Test
  void badOutputValuesAreOptionProblems() {
    assertThat(transform(Map.of("mode", "zip")).validate())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("expected each or merge"));
    assertThat(transform(Map.of("mode", "each", "name", "x.csv")).validate())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("needs mode: merge"));
    assertThat(transform(Map.of("mode", "merge", "name", "../x.csv")).validate())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("not a plain file name"));
  }

  private static List<Path> findInputs(Path session, int count) throws IOException {
    try (Stream<Path> s = Files.walk(session)) {
      List<Path> found =
          s.filter(p -> p.getFileName().toString().matches("day-\\d\\d\\.csv"))
              .filter(p -> !p.toString().contains("transform"))
              .sorted()
              .toList();
      assertThat(found).hasSize(count);
      return found;
    }
  }

  /** Python's csv module over the files in order: a hash of all data rows (headers dropped). */
  static String pythonRowsHash(List<Path> files) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "python3",
                "-c",
                String.join(
                    "\n",
                    "import csv, sys, json, hashlib",
                    "rows = []",
                    "for name in sys.argv[1:]:",
                    "    with open(name, newline='', encoding='utf-8') as f:",
                    "        rows += [r for r in csv.reader(f, strict=True) if r][1:]",
                    "print(len(rows), hashlib.sha256(json.dumps(rows).encode()).hexdigest())")));
    for (Path f : files) command.add(f.toString());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  static String gunzip(Path file) throws Exception {
    Process p = new ProcessBuilder("gzip", "-dc", file.toString()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  private static List<Path> files(Path dir) throws IOException {
    if (!Files.exists(dir)) return List.of();
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }
}
