package dev.locality.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.locality.it.harness.CliRun;
import dev.locality.it.harness.HarnessPaths;
import dev.locality.it.harness.ItCluster;
import dev.locality.it.harness.ItClusters;
import dev.locality.it.harness.ItMode;
import dev.locality.it.harness.ItSummary;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sql stage as it ships: the plugins directory {@code stages/sql-duckdb} packages ({@code
 * target/plugin}: the stage's jar and, through its manifest {@code Class-Path}, DuckDB's driver in
 * {@code locality-stage-sql-lib/}), loaded by the real worker jar ({@code LOCALITY_PLUGINS_DIR})
 * and by the CLI jar that validates and starts {@code examples/sql-by-state.yaml}. The result
 * equals what Python's gzip and csv modules count; a query that does not bind fails the pipeline as
 * bad input with DuckDB's message from the worker; one that does not parse is refused by the CLI
 * before anything starts. Process mode only: the example reads and writes this machine's files.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SqlPluginIT {
  private static final Path PLUGINS =
      Path.of(System.getProperty("locality.sql.plugin.dir")).toAbsolutePath().normalize();
  private static ItCluster cluster;
  private static Path out;

  @BeforeAll
  static void start() {
    assertThat(PLUGINS.resolve("locality-stage-sql-lib"))
        .as("the packaged plugins directory (package stages/sql-duckdb first)")
        .isDirectory();
    out = HarnessPaths.newRunDir("SqlPluginIT-out");
    cluster =
        ItClusters.builder()
            .name("SqlPluginIT")
            .mode(ItMode.PROCESSES)
            .workers("sql-worker")
            .workerEnv("LOCALITY_PLUGINS_DIR", PLUGINS.toString())
            .start();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  private CliRun cli(String log, String... args) {
    return CliRun.run(
        HarnessPaths.cliJar(),
        HarnessPaths.repoRoot(),
        Map.of(
            "TEMPORAL_ADDRESS",
            cluster.temporalAddress(),
            "LOCALITY_PLUGINS_DIR",
            PLUGINS.toString()),
        HarnessPaths.newRunDir("SqlPluginIT-" + log),
        Duration.ofSeconds(120),
        args);
  }

  @Test
  void theExampleRunsOnAWorkerThatLoadedThePluginAndCountsAsPythonDoes() throws Exception {
    long started = System.nanoTime();
    CliRun run =
        cli(
            "example",
            "run",
            "examples/sql-by-state.yaml",
            "--set",
            "stages[2].to=file://" + out + "/{name}/{file}",
            "--wait",
            "--json");
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertThat(run.exitCode()).as("exit code; stderr:%n%s", run.stderr()).isZero();
    JsonNode report = new ObjectMapper().readTree(run.stdout());
    assertThat(report.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(report.path("workerId").asText()).isEqualTo("sql-worker");
    assertThat(report.path("stages"))
        .extracting(stage -> stage.path("type").asText())
        .containsExactly("download", "sql", "upload");
    Path written = Path.of(URI.create(report.path("outputUris").get(0).asText()));
    assertThat(written).isEqualTo(out.resolve("sql-by-state/zipcodes-by-state.csv"));
    String oracle =
        python(
            "import csv,gzip,collections,sys\n"
                + "c=collections.Counter(r['state'] for r in csv.DictReader("
                + "gzip.open(sys.argv[1],'rt',newline='',encoding='utf-8')))\n"
                + "print('state,zip_codes')\n"
                + "for s,n in sorted(c.items(),key=lambda x:(-x[1],x[0])): print('%s,%d'%(s,n))",
            HarnessPaths.repoRoot().resolve("examples/data/zipcodes.csv.gz").toString());
    List<String> lines = Files.readAllLines(written, StandardCharsets.UTF_8);
    assertThat(lines.stream().map(l -> l.substring(0, l.lastIndexOf(','))).toList())
        .as("state and count of each row, in order")
        .isEqualTo(oracle.lines().toList());
    ItSummary.pass("sql plugin via --plugins-dir", cluster.mode(), "cli run ms=" + millis);
  }

  @Test
  void aQueryThatDoesNotBindFailsThePipelineAsBadInputFromTheWorker() throws Exception {
    CliRun run =
        cli(
            "unbound",
            "run",
            "examples/sql-by-state.yaml",
            "--set",
            "stages[1].query=select nosuch from input",
            "--set",
            "stages[2].to=file://" + out + "/unbound/{file}",
            "--wait",
            "--json");
    assertThat(run.exitCode()).as("stdout %s%nstderr %s", run.stdout(), run.stderr()).isNotZero();
    String all = run.stdout() + run.stderr();
    assertThat(all).contains("Binder Error").contains("nosuch").contains("BadInput");
    assertThat(out.resolve("unbound")).doesNotExist();
  }

  @Test
  void aQueryThatDoesNotParseIsRefusedByTheCliBeforeAnythingStarts() {
    CliRun run =
        cli(
            "unparsed",
            "run",
            "examples/sql-by-state.yaml",
            "--set",
            "stages[1].query=selec state from input",
            "--wait");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stdout() + run.stderr())
        .contains("query")
        .contains("does not parse: syntax error at or near \"selec\"");
  }

  private static String python(String script, String arg) throws Exception {
    Process p = new ProcessBuilder("python3", "-c", script, arg).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(text).isZero();
    return text;
  }
}
