package dev.locality.activities.stages.csv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.activities.stages.decompress.DecompressOptions;
import dev.locality.activities.stages.decompress.DecompressStage;
import dev.locality.stage.Stage;
import dev.locality.stage.testkit.StageTestRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus in {@code src/test/resources/corpus} (made by the real gzip, bzip2, xz,
 * zstd, zip and tar tools with {@code make-corpus.sh}, plus hand-written CSV files): every case
 * must fail with {@link dev.locality.stage.BadInputException} whose message names the problem, and
 * leave no file behind in the stage's output directory ({@link
 * StageTestRunner#runExpectingBadInput}).
 */
class CorpusTest {
  @TempDir Path tmp;

  /** One corpus case: a stage over one corpus file with options, and what the message says. */
  record Case(
      String file,
      Stage stage,
      Map<String, Object> options,
      Map<String, String> workerSettings,
      List<String> expected) {
    @Override
    public String toString() {
      return stage.type() + " " + file + (options.isEmpty() ? "" : " " + options);
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        // decompress: truncated and corrupt data of every format
        decompress("truncated-s.csv.gz", "gzip", "truncated-s.csv.gz", "compressed offset"),
        decompress("truncated-s.csv.bz2", "bzip2", "truncated-s.csv.bz2", "compressed offset"),
        decompress("truncated-s.csv.xz", "xz", "truncated-s.csv.xz", "compressed offset"),
        decompress("truncated-s.csv.zst", "zstd", "truncated-s.csv.zst", "compressed offset"),
        decompress("truncated-s.zip", "zip", "truncated-s.zip", "central directory"),
        decompress("truncated-s.tar", "tar", "truncated-s.tar", "compressed offset"),
        decompress(
            "truncated-s.tar.gz", "gzip", "truncated-s.tar.gz", "truncated", "compressed offset"),
        decompress("corrupt-s.csv.gz", "corrupt", "gzip", "corrupt-s.csv.gz", "compressed offset"),
        decompress("corrupt-s.csv.bz2", "corrupt", "bzip2", "compressed offset"),
        decompress("corrupt-s.csv.xz", "corrupt", "xz", "compressed offset"),
        decompress("corrupt-s.csv.zst", "corrupt", "zstd", "compressed offset"),
        decompress(
            "corrupt-s.zip", "corrupt", "zip", "'sales.csv'", "CRC-32", "header is at offset 0"),
        // decompress: unsafe entries
        decompress("zip-slip.zip", "'../evil.sh'", "outside the output directory"),
        decompress("tar-dotdot.tar", "'../evil.sh'", "outside the output directory"),
        decompress("tar-absolute.tar", "/a/evil.sh'", "absolute path"),
        decompress("tar-symlink.tar", "'passwd'", "symbolic link", "'/etc/passwd'"),
        decompress("zip-symlink.zip", "'passwd'", "symbolic link"),
        decompress("tar-hardlink.tar", "'hard.csv'", "hard link"),
        // decompress: bombs stopped by the worker's limits
        new Case(
            "bomb-10mb-zeros.gz",
            new DecompressStage(),
            Map.of(),
            Map.of(DecompressOptions.MAX_COMPRESSION_RATIO.name(), "100"),
            List.of("maxCompressionRatio=100", "bomb-10mb-zeros.gz")),
        new Case(
            "bomb-10mb-zeros.gz",
            new DecompressStage(),
            Map.of(),
            Map.of(DecompressOptions.MAX_UNCOMPRESSED_BYTES.name(), "2m"),
            List.of("maxUncompressedBytes=2097152", "bomb-10mb-zeros.gz")),
        new Case(
            "many-entries.tar.xz",
            new DecompressStage(),
            Map.of(),
            Map.of(DecompressOptions.MAX_ARCHIVE_ENTRIES.name(), "5"),
            List.of("maxArchiveEntries=5", "many-entries.tar.xz")),
        // decompress: not compressed, or the wrong format forced
        decompress("plain.csv", "plain.csv", "not a recognised compressed/archive format"),
        new Case(
            "forced-xz-on-gzip.gz",
            new DecompressStage(),
            Map.of("format", "xz"),
            Map.of(),
            List.of("xz", "forced-xz-on-gzip.gz")),
        // transform-csv: malformed files
        csv("csv-unbalanced-quote.csv", Map.of(), "csv-unbalanced-quote.csv line 3", "quote"),
        csv(
            "csv-ragged.csv",
            Map.of("maxRejects", 0),
            "maxRejects=0",
            "csv-ragged.csv line 3: has 2 fields, header has 3"),
        csv("csv-invalid-utf8.csv", Map.of(), "csv-invalid-utf8.csv", "not valid UTF-8"),
        csv("csv-invalid-utf8.csv", Map.of("encoding", "US-ASCII"), "not valid US-ASCII"),
        csv("csv-empty.csv", Map.of(), "empty file", "csv-empty.csv"),
        csv("csv-only-skipped-lines.csv", Map.of("skipLines", 2), "after skipping 2 lines"),
        csv("csv-duplicate-header.csv", Map.of(), "names column 'id' twice", "columns 1 and 3"),
        csv(
            "csv-twenty-percent-ragged.csv",
            Map.of("maxRejects", "10%"),
            "maxRejects=10%",
            "line 6: has 2 fields, header has 1"),
        // transform-csv: options that do not fit the data or do not make sense
        csv(
            "csv-sales.csv",
            Map.of("select", List.of("region", "nope")),
            "option 'select'",
            "unknown column 'nope'",
            "region, amount, day"),
        csv("csv-sales.csv", Map.of("types", Map.of("nope", "int")), "'types'", "'nope'"),
        csv("csv-sales.csv", Map.of("dedupe", List.of("weekday")), "'dedupe'", "'weekday'"),
        csv("csv-sales.csv", Map.of("filter", "region =="), "option 'filter'", "mismatched input"),
        csv(
            "csv-sales.csv",
            Map.of("filter", "stat == 'x'"),
            "option 'filter'",
            "undeclared reference to 'stat'"),
        csv("csv-sales.csv", Map.of("derive", Map.of("x", "amount +")), "option 'derive'", "'x'"),
        csv(
            "csv-sales.csv",
            Map.of("derive", Map.of("day", "region + '!'")),
            "'day'",
            "already an output column"),
        csv(
            "csv-sales.csv",
            Map.of("types", Map.of("day", "date:yyyy-MM-dd{")),
            "option 'types'",
            "bad date-time pattern"),
        csv("csv-sales.csv", Map.of("types", Map.of("amount", "money")), "unknown type 'money'"),
        csv(
            "csv-sales.csv",
            Map.of("types", Map.of("amount", "int"), "filter", "amount.startsWith('1')"),
            "option 'filter'",
            "found no matching overload"),
        csv(
            "csv-sales.csv",
            Map.of("header", List.of("a", "b", "a")),
            "option 'header'",
            "'a' is named twice"),
        csv("csv-sales.csv", Map.of("delimiter", ";", "quote", ";"), "option 'quote'", "delimiter"),
        csv(
            "csv-bad-int.csv",
            Map.of("types", Map.of("amount", "int"), "maxRejects", 0),
            "line 3: column 'amount': 'x12' is not an int"));
  }

  private static Case csv(String file, Map<String, Object> options, String... expected) {
    return new Case(file, new TransformCsvStage(), options, Map.of(), List.of(expected));
  }

  private static Case decompress(String file, String... expected) {
    return new Case(file, new DecompressStage(), Map.of(), Map.of(), List.of(expected));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badInputIsNamedAndLeavesNothingBehind(Case c) throws Exception {
    // the stage itself must refuse what the worker's validation would have refused first
    StageTestRunner runner =
        StageTestRunner.of(c.stage(), tmp).input(c.file(), corpus(c.file())).skippingValidation();
    new LinkedHashMap<>(c.options()).forEach(runner::option);
    c.workerSettings().forEach(runner::workerSetting);
    var error = runner.runExpectingBadInput();
    for (String expected : c.expected()) {
      assertThat(error.getMessage()).as("message of %s", c).contains(expected);
    }
  }

  @org.junit.jupiter.api.Test
  void aHeaderOnlyFileIsValidAndGivesZeroRows() throws Exception {
    var run =
        StageTestRunner.of(new TransformCsvStage(), tmp)
            .input("h.csv", corpus("csv-header-only.csv"))
            .run();
    assertThat(run.text("h.csv")).isEqualTo("region,amount,day\n");
    assertThat(run.metrics().rowsIn()).isZero();
    assertThat(run.outputs()).singleElement().satisfies(a -> assertThat(a.rows()).isZero());
  }

  @org.junit.jupiter.api.Test
  void theCorpusHasAtLeastTwentyFiveCases() {
    assertThat(cases().count()).isGreaterThanOrEqualTo(25);
  }

  static byte[] corpus(String file) {
    try (InputStream in = CorpusTest.class.getResourceAsStream("/corpus/" + file)) {
      assertThat(in).as("corpus file %s", file).isNotNull();
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path corpusDir() {
    return Path.of("src/test/resources/corpus");
  }

  static boolean exists(String file) {
    return Files.exists(corpusDir().resolve(file));
  }
}
