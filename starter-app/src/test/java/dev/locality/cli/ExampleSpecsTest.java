package dev.locality.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The specs in {@code examples/}: every one is valid for {@code locality validate}, and the
 * examples of the {@code compress} stage and of {@code locality sniff} run end to end with the
 * embedded default (Temporal test server, in-process worker) and write what their comments promise;
 * only the upload target is redirected into a temporary directory.
 */
@Timeout(180)
class ExampleSpecsTest {
  private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();

  @TempDir Path dir;
  @TempDir static Path plugins;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void everyExampleSpecIsValid() throws Exception {
    List<Path> specs;
    try (Stream<Path> list = Files.list(EXAMPLES)) {
      specs = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(specs.stream().map(p -> p.getFileName().toString()))
        .contains(
            "zipcodes-north.yaml",
            "compress-bundle.yaml",
            "sniffed-zipcodes.yaml",
            "sql-by-state.yaml",
            "lookup-regions.yaml",
            "zipcodes-parquet.yaml",
            "zipcodes-by-state.yaml",
            "new-england.yaml",
            "incremental-zipcodes.yaml");
    for (Path spec : specs) {
      assertThat(cli("validate", spec.toString())).as("%s: %s", spec, err).isZero();
    }
  }

  @Test
  void theCompressExampleWritesOneTarGzOfTheNorthernZipCodes() throws Exception {
    JsonNode summary = runExample("compress-bundle.yaml", 4);
    Path archive = dir.resolve("out/zipcodes-bundle/zipcodes-north.tar.gz");
    assertThat(summary.get("outputUris").get(0).asText()).endsWith("/zipcodes-north.tar.gz");
    try (InputStream file = Files.newInputStream(archive);
        TarArchiveInputStream tar =
            new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
      TarArchiveEntry entry = tar.getNextEntry();
      assertThat(entry.getName()).isEqualTo("zipcodes.csv");
      List<String> lines =
          new BufferedReader(new InputStreamReader(tar, StandardCharsets.UTF_8)).lines().toList();
      assertThat(lines.get(0)).isEqualTo("zip_code,city,state,latitude,longitude");
      assertThat(lines).hasSize(1 + 3366); // the count examples/README.md states
      assertThat(tar.getNextEntry()).isNull();
    }
  }

  @Test
  void theSniffExampleHoldsWhatSniffPrintsAndRuns() throws Exception {
    assertThat(
            cli("sniff", EXAMPLES.resolve("data/zipcodes.csv.gz").toString(), "--rows", "100000"))
        .as(err.toString())
        .isZero();
    Map<?, ?> sniffed =
        (Map<?, ?>)
            new ObjectMapper(new YAMLFactory()).readValue(out.toString(), List.class).get(0);
    Map<?, ?> example = stage(EXAMPLES.resolve("sniffed-zipcodes.yaml"), 2);
    assertThat(example.get("types")).isEqualTo(sniffed.get("types"));

    out.getBuffer().setLength(0);
    runExample("sniffed-zipcodes.yaml", 4);
    Path written = dir.resolve("out/sniffed-zipcodes/zipcodes.csv.zst");
    try (InputStream in = new ZstdCompressorInputStream(Files.newInputStream(written))) {
      List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      assertThat(lines.get(0)).isEqualTo("zip_code,latitude,longitude,city,state,county");
      assertThat(lines).hasSize(1 + 1902); // the count examples/README.md states
    }
  }

  /**
   * The sql example (the plugin from {@code LOCALITY_PLUGINS_DIR}, as its comment says) counts the
   * zip codes of each state as Python's gzip and csv modules do, straight from the .gz file.
   */
  @Test
  void theSqlExampleCountsZipCodesPerStateAsPythonDoes() throws Exception {
    runExample("sql-by-state.yaml", 2);
    Path written = dir.resolve("out/sql-by-state/zipcodes-by-state.csv");
    String oracle =
        python(
            "import csv,gzip,collections,sys\n"
                + "c=collections.Counter(r['state'] for r in csv.DictReader("
                + "gzip.open(sys.argv[1],'rt',newline='',encoding='utf-8')))\n"
                + "m={}\n"
                + "for r in csv.DictReader(gzip.open(sys.argv[1],'rt',newline='',encoding='utf-8')):"
                + " m[r['state']]=max(m.get(r['state'],-1e9),float(r['latitude']))\n"
                + "print('state,zip_codes,northernmost')\n"
                + "for s,n in sorted(c.items(),key=lambda x:(-x[1],x[0])):"
                + " print('%s,%d,%s'%(s,n,repr(m[s])))",
            EXAMPLES.resolve("data/zipcodes.csv.gz").toString());
    assertThat(Files.readString(written)).isEqualTo(oracle);
    assertThat(oracle.lines().count()).isEqualTo(1 + 59); // the count examples/README.md states
  }

  private static String python(String script, String arg) throws Exception {
    Process p = new ProcessBuilder("python3", "-c", script, arg).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  @Test
  void theLookupExampleAddsEachStatesRegionAndRejectsTheTerritories() throws Exception {
    runExample("lookup-regions.yaml", 3);
    Path out = dir.resolve("out/lookup-regions");
    List<String> lines = Files.readAllLines(out.resolve("zipcodes.csv"));
    assertThat(lines.get(0))
        .isEqualTo("zip_code,latitude,longitude,city,state,county,region,division");
    assertThat(lines).hasSize(1 + 41_824); // the count examples/README.md states
    // every row's region is its state's in the table, read here without the stage
    Map<String, String> regions = new java.util.HashMap<>();
    for (String row : Files.readAllLines(EXAMPLES.resolve("data/state-regions.csv")).subList(1, 52))
      regions.put(row.split(",")[0], row.substring(row.indexOf(',') + 1));
    for (String row : lines.subList(1, lines.size())) {
      String[] f = row.split(",");
      assertThat(f[6] + "," + f[7]).as(row).isEqualTo(regions.get(f[4]));
    }
    List<String> rejects = Files.readAllLines(out.resolve("zipcodes.rejects.csv"));
    assertThat(rejects.get(0)).isEqualTo("line,reason,raw");
    assertThat(rejects).hasSize(1 + 225);
    assertThat(rejects.get(1)).contains("no row in the lookup table for state '");
  }

  @Test
  void theParquetExampleWritesEveryZipCodeTypedAsDuckDbReadsIt() throws Exception {
    runExample("zipcodes-parquet.yaml", 2, "{file}");
    Path file = dir.resolve("out/zipcodes-parquet/zipcodes.parquet");
    assertThat(
            duckDb(
                "select count(*), count(distinct state), min(zip_code), max(zip_code) from '"
                    + file
                    + "'"))
        .containsExactly(List.of("42049", "59", "00501", "99950"));
    assertThat(duckDb("select column_type from (describe select * from '" + file + "')"))
        .containsExactly(
            List.of("VARCHAR"),
            List.of("DECIMAL(9,6)"),
            List.of("DECIMAL(9,6)"),
            List.of("VARCHAR"),
            List.of("VARCHAR"),
            List.of("VARCHAR"));
    assertThat(
            duckDb(
                "select latitude::varchar, longitude::varchar, city from '"
                    + file
                    + "' where zip_code = '94103'"))
        .containsExactly(List.of("37.775678", "-122.412131", "San Francisco"));
  }

  @Test
  void thePartitionedExampleUploadsOneDirectoryPerState() throws Exception {
    runExample("zipcodes-by-state.yaml", 2, "{path}");
    Path root = dir.resolve("out/zipcodes-by-state");
    assertThat(root.resolve("state=CA/part-00000.parquet")).isRegularFile();
    try (Stream<Path> states = Files.list(root)) {
      assertThat(states.filter(p -> p.getFileName().toString().startsWith("state="))).hasSize(59);
    }
    assertThat(
            duckDb(
                "select count(*), count(distinct state), count(*) filter (state = 'CA') from"
                    + " read_parquet('"
                    + root
                    + "/**/*.parquet', hive_partitioning = true)"))
        .containsExactly(List.of("42049", "59", "2666"));
  }

  private static List<List<String>> duckDb(String sql) throws Exception {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
        java.sql.Statement s = c.createStatement();
        java.sql.ResultSet r = s.executeQuery(sql)) {
      List<List<String>> rows = new java.util.ArrayList<>();
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        List<String> row = new java.util.ArrayList<>();
        for (int i = 1; i <= n; i++) row.add(r.getString(i));
        rows.add(row);
      }
      return rows;
    }
  }

  @Test
  void theManyInputsExampleMergesSixStateFilesIntoOne() throws Exception {
    JsonNode summary = runExample("new-england.yaml", 2);
    assertThat(summary.get("outputUris")).hasSize(1);
    Path merged = dir.resolve("out/new-england/new-england.csv");
    List<String> lines = Files.readAllLines(merged);
    assertThat(lines.get(0)).isEqualTo("zip_code,city,state");
    // the oracle: the New England rows of the single source file
    long expected;
    try (InputStream in =
        new GzipCompressorInputStream(
            Files.newInputStream(EXAMPLES.resolve("data/zipcodes.csv.gz")))) {
      expected =
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .skip(1)
              .filter(l -> List.of("CT", "MA", "ME", "NH", "RI", "VT").contains(l.split(",")[4]))
              .count();
    }
    assertThat(expected).isEqualTo(2329); // the count examples/README.md states
    assertThat(lines).hasSize(1 + (int) expected);
    assertThat(lines.stream().skip(1).map(l -> l.split(",")[2]).distinct())
        .containsExactly("CT", "MA", "ME", "NH", "RI", "VT"); // the files in path order
  }

  @Test
  void theIncrementalExampleRunsAndRecordsItsSourceVersion() throws Exception {
    // one embedded server per CLI run: the state does not outlive it, so this run completes;
    // IncrementalRunsIT runs the example repeatedly against one server and sees it skipped
    JsonNode summary = runExample("incremental-zipcodes.yaml", 2); // asserts COMPLETED
    assertThat(summary.get("outputUris")).hasSize(1);
    List<String> lines = Files.readAllLines(dir.resolve("out/incremental-zipcodes/zipcodes.csv"));
    assertThat(lines.get(0)).isEqualTo("zip_code,city,state");
    assertThat(lines).hasSize(1 + 308); // the count examples/README.md states
  }

  /** Runs an example with its upload (stage {@code uploadIndex}) writing into {@code dir/out}. */
  private JsonNode runExample(String name, int uploadIndex) throws Exception {
    return runExample(name, uploadIndex, "{file}");
  }

  /** Runs an example with its upload writing {@code dir/out/{name}/<file placeholder>}. */
  private JsonNode runExample(String name, int uploadIndex, String file) throws Exception {
    String target = "file://" + dir.resolve("out") + "/{name}/" + file;
    int exit =
        cli(
            "run",
            EXAMPLES.resolve(name).toString(),
            "--embedded",
            "--json",
            "--set",
            "stages[" + uploadIndex + "].to=" + target);
    assertThat(exit).as("exit code; stderr:%n%s", err).isZero();
    JsonNode summary = new ObjectMapper().readTree(out.toString());
    assertThat(summary.get("status").asText()).isEqualTo("COMPLETED");
    return summary;
  }

  /** The sql plugin's directory, laid out once for the class. */
  private static synchronized Path sqlPlugin() {
    Path dir = plugins.resolve("sql");
    return Files.isDirectory(dir) ? dir : SqlPlugin.directory(dir);
  }

  private static Map<?, ?> stage(Path spec, int index) throws Exception {
    Map<?, ?> root = new ObjectMapper(new YAMLFactory()).readValue(spec.toFile(), Map.class);
    return (Map<?, ?>) ((List<?>) root.get("stages")).get(index);
  }

  private int cli(String... args) {
    Map<String, String> env =
        Map.of(
            "TEMPORAL_CONFIG_FILE",
            dir.resolve("none.toml").toString(),
            "LOCALITY_PLUGINS_DIR",
            sqlPlugin().toString());
    return LocalityCli.execute(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
  }
}
