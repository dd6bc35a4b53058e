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

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void everyExampleSpecIsValid() throws Exception {
    List<Path> specs;
    try (Stream<Path> list = Files.list(EXAMPLES)) {
      specs = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(specs.stream().map(p -> p.getFileName().toString()))
        .contains("zipcodes-north.yaml", "compress-bundle.yaml", "sniffed-zipcodes.yaml");
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
    String target = "file://" + dir.resolve("out") + "/{name}/{file}";
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

  private static Map<?, ?> stage(Path spec, int index) throws Exception {
    Map<?, ?> root = new ObjectMapper(new YAMLFactory()).readValue(spec.toFile(), Map.class);
    return (Map<?, ?>) ((List<?>) root.get("stages")).get(index);
  }

  private int cli(String... args) {
    Map<String, String> env = Map.of("TEMPORAL_CONFIG_FILE", dir.resolve("none.toml").toString());
    return LocalityCli.execute(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
  }
}
