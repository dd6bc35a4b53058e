package dev.locality.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.github.luben.zstd.ZstdOutputStream;
import com.sun.net.httpserver.HttpServer;
import dev.locality.activities.stages.csv.TransformCsvStage;
import dev.locality.stage.testkit.StageTestRunner;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code locality sniff} end to end in this JVM: the snippet it prints, pasted into a spec, is
 * valid for {@code locality validate} and runs through the {@code transform-csv} stage over the
 * sampled file without a reject; dialects (semicolon, tab, single quotes, CRLF, windows-1252, BOM),
 * headerless files, compressed and remote input; Python's {@code csv.Sniffer} as an independent
 * oracle for delimiter and header.
 */
class SniffCommandTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path dir;

  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  /** Rows with ints, decimals, dates, timestamps, booleans, text and empty values. */
  private static String sales(String d, boolean header, String lineEnd) {
    StringBuilder s = new StringBuilder();
    if (header)
      s.append(String.join(d, "id", "day", "amount", "paid", "city", "at", "zip")).append(lineEnd);
    Random random = new Random(5);
    String[] cities = {"Oslo", "Rome", "Lima", "São Paulo", "Köln"};
    for (int i = 1; i <= 300; i++) {
      s.append(
              String.join(
                  d,
                  String.valueOf(i * 7),
                  String.format("2024-%02d-%02d", 1 + i % 12, 1 + i % 28),
                  i % 10 == 0
                      ? ""
                      : String.format("%d.%02d", random.nextInt(5000), random.nextInt(100)),
                  i % 2 == 0 ? "true" : "false",
                  cities[i % cities.length],
                  String.format("2024-01-01T%02d:%02d:%02dZ", i % 24, i % 60, (i * 7) % 60),
                  String.format("%05d", random.nextInt(2000))))
          .append(lineEnd);
    }
    return s.toString();
  }

  @Test
  void theSnippetValidatesAndRunsThroughTransformCsvWithoutRejects() throws Exception {
    Path csv = Files.writeString(dir.resolve("sales.csv"), sales(",", true, "\n"));
    assertThat(sniff(csv.toString())).as(err.toString()).isZero();
    Map<String, Object> stage = snippet();
    assertThat(stage).doesNotContainKeys("delimiter", "quote", "header", "encoding");
    assertThat(stage.get("emptyAsNull")).isEqualTo(true); // amount has empty values
    assertThat(types(stage))
        .containsEntry("id", "int")
        .containsEntry("day", "date:yyyy-MM-dd")
        .containsEntry("amount", "decimal")
        .containsEntry("paid", "boolean")
        .containsEntry("at", "timestamp:yyyy-MM-dd'T'HH:mm[:ss][.SSS]XXX")
        .doesNotContainKeys("city", "zip"); // zip has leading zeros: typing would rewrite it
    assertValidAndRejectFree(csv, 300);
    assertThat(err.toString()).contains("header row", "300 rows sampled (the whole file)");
  }

  @Test
  void semicolonTabAndPipeFilesGetTheirDelimiter() throws Exception {
    for (String d : List.of(";", "\t", "|")) {
      out = new StringWriter();
      Path csv =
          Files.writeString(dir.resolve("d" + (int) d.charAt(0) + ".csv"), sales(d, true, "\r\n"));
      assertThat(sniff(csv.toString(), "--json")).as(err.toString()).isZero();
      JsonNode json = new ObjectMapper().readTree(out.toString());
      assertThat(json.get("delimiter").asText()).isEqualTo(d);
      assertThat(json.get("lineEnding").asText()).isEqualTo("crlf");
      assertThat(json.get("header").asBoolean()).isTrue();
      assertThat(json.get("rows").asLong()).isEqualTo(300);
      out = new StringWriter();
      sniff(csv.toString());
      assertThat(snippet().get("delimiter")).isEqualTo(d);
      assertValidAndRejectFree(csv, 300);
    }
  }

  @Test
  void aHeaderlessFileGetsColumnNames() throws Exception {
    Path csv = Files.writeString(dir.resolve("noheader.csv"), sales(";", false, "\n"));
    assertThat(sniff(csv.toString())).isZero();
    Map<String, Object> stage = snippet();
    assertThat(stage.get("header"))
        .isEqualTo(List.of("col1", "col2", "col3", "col4", "col5", "col6", "col7"));
    assertThat(types(stage)).containsEntry("col1", "int").containsEntry("col4", "boolean");
    assertValidAndRejectFree(csv, 300);
  }

  @Test
  void compressedInputIsInflatedOnTheFly() throws Exception {
    byte[] text = sales(",", true, "\n").getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream o = new GZIPOutputStream(gz)) {
      o.write(text);
    }
    ByteArrayOutputStream zst = new ByteArrayOutputStream();
    try (OutputStream o = new ZstdOutputStream(zst)) {
      o.write(text);
    }
    for (var file : Map.of("sales.csv.gz", gz, "sales.bin", zst).entrySet()) {
      out = new StringWriter();
      err = new StringWriter();
      Path path = Files.write(dir.resolve(file.getKey()), file.getValue().toByteArray());
      assertThat(sniff(path.toString(), "--json")).as(err.toString()).isZero();
      JsonNode json = new ObjectMapper().readTree(out.toString());
      assertThat(json.get("compression").asText()).isIn("gzip", "zstd");
      assertThat(json.get("rows").asLong()).isEqualTo(300);
      assertThat(json.get("columns").get(0).get("type").asText()).isEqualTo("int");
    }
  }

  @Test
  void singleQuotesAWindows1252FileAndABomAreRecognised() throws Exception {
    String text = "name,city\n'Ann, B',Köln\n'Zoë',Malmö\n'Bo',Århus\n";
    Path latin =
        Files.write(dir.resolve("latin.csv"), text.getBytes(Charset.forName("windows-1252")));
    assertThat(sniff(latin.toString())).isZero();
    Map<String, Object> stage = snippet();
    assertThat(stage).containsEntry("quote", "'").containsEntry("encoding", "windows-1252");
    assertValidAndRejectFree(latin, 3);

    out = new StringWriter();
    byte[] body = "a;b\n1;x\n2;y\n".getBytes(StandardCharsets.UTF_8);
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    Path withBom = dir.resolve("bom.csv");
    Files.write(withBom, bom);
    Files.write(withBom, body, java.nio.file.StandardOpenOption.APPEND);
    assertThat(sniff(withBom.toString(), "--json")).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("bom").asBoolean()).isTrue();
    assertThat(json.get("columns").get(0).get("name").asText()).isEqualTo("a");
  }

  @Test
  void aColumnWithOneNonNumberStaysText() throws Exception {
    Path csv = Files.writeString(dir.resolve("mixed.csv"), "id,code\n1,10\n2,n/a\n3,0x1\n4,+5\n");
    assertThat(sniff(csv.toString())).isZero();
    assertThat(types(snippet())).containsOnlyKeys("id");
    assertValidAndRejectFree(csv, 4);
  }

  @Test
  void theSampleEndsAtARecordThatDoesNotParseAndSaysSo() throws Exception {
    Path csv = Files.writeString(dir.resolve("broken.csv"), "id,note\n1,a\n2,b\n3,\"open\n4,d\n");
    assertThat(sniff(csv.toString(), "--json")).as(err.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("unparsable").asBoolean()).isTrue();
    assertThat(json.get("rows").asLong()).isEqualTo(2);
    assertThat(json.get("columns").get(0).get("type").asText()).isEqualTo("int");
  }

  @Test
  void emptyBinaryAndMissingInputsExitWith2() throws Exception {
    Path empty = Files.write(dir.resolve("empty.csv"), new byte[0]);
    assertThat(sniff(empty.toString())).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("empty");
    err = new StringWriter();
    byte[] binary = new byte[4096];
    new Random(1).nextBytes(binary);
    Path bin = Files.write(dir.resolve("image.png"), binary);
    assertThat(sniff(bin.toString())).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("binary, not CSV text");
    err = new StringWriter();
    assertThat(sniff(dir.resolve("nothing.csv").toString())).isEqualTo(ExitCodes.USAGE);
    assertThat(sniff(dir.resolve("nothing.csv").toUri().toString())).isEqualTo(ExitCodes.USAGE);
    assertThat(sniff("file:no/such/relative.csv")).isEqualTo(ExitCodes.USAGE);
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void anHttpUrlIsSampledAndTheDownloadStopsAfterTheSample() throws Exception {
    StringBuilder big = new StringBuilder("n,v\n");
    for (int i = 0; i < 300_000; i++) big.append(i).append(',').append(i % 7).append('\n');
    byte[] body = big.toString().getBytes(StandardCharsets.UTF_8);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/data.csv",
        exchange -> {
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream o = exchange.getResponseBody()) {
            o.write(body);
          } catch (java.io.IOException closedByClient) {
            // the sniffer hung up after its sample
          }
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/data.csv";
      assertThat(sniff(url, "--rows", "100", "--json")).as(err.toString()).isZero();
      JsonNode json = new ObjectMapper().readTree(out.toString());
      assertThat(json.get("rows").asLong()).isEqualTo(100);
      assertThat(json.get("complete").asBoolean()).isFalse();
      assertThat(json.get("columns").get(1).get("type").asText()).isEqualTo("int");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void delimiterAndHeaderAgreeWithPythonsCsvSniffer() throws Exception {
    assumeTrue(python3(), "python3 is not installed");
    Map<String, String> files =
        Map.of(
            "comma.csv", sales(",", true, "\n"),
            "semi.csv", sales(";", true, "\n"),
            "tab.csv", sales("\t", false, "\n"),
            "pipe.csv", sales("|", true, "\r\n"));
    for (var f : files.entrySet()) {
      Path csv = Files.writeString(dir.resolve(f.getKey()), f.getValue());
      String[] python = pythonSniff(csv).split(" ");
      out = new StringWriter();
      assertThat(sniff(csv.toString(), "--json")).isZero();
      JsonNode json = new ObjectMapper().readTree(out.toString());
      assertThat((int) json.get("delimiter").asText().charAt(0))
          .as(f.getKey())
          .isEqualTo(Integer.parseInt(python[0]));
      assertThat(json.get("header").asBoolean())
          .as(f.getKey())
          .isEqualTo(Boolean.parseBoolean(python[1]));
    }
  }

  private static boolean python3() {
    try {
      return new ProcessBuilder("python3", "--version").start().waitFor() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  /** {@code "<delimiter code point> <has_header>"} by Python's csv.Sniffer. */
  private static String pythonSniff(Path csv) throws Exception {
    String script =
        "import csv,sys\n"
            + "s=open(sys.argv[1],newline='').read(65536)\n"
            + "d=csv.Sniffer().sniff(s,delimiters=',;\\t|')\n"
            + "print(ord(d.delimiter), str(csv.Sniffer().has_header(s)).lower())\n";
    Process p =
        new ProcessBuilder("python3", "-c", script, csv.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    return output;
  }

  /** The snippet on stdout as the stage's option map (without {@code type}). */
  @SuppressWarnings("unchecked")
  private Map<String, Object> snippet() throws Exception {
    List<Map<String, Object>> stages = YAML.readValue(out.toString(), List.class);
    assertThat(stages).hasSize(1);
    assertThat(stages.get(0)).containsEntry("type", "transform-csv");
    Map<String, Object> options = new java.util.LinkedHashMap<>(stages.get(0));
    options.remove("type");
    return options;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> types(Map<String, Object> stage) {
    return (Map<String, String>) stage.getOrDefault("types", Map.of());
  }

  /**
   * Pastes the snippet into a spec reading {@code csv}: {@code locality validate} accepts it, and
   * the transform-csv stage with its options turns every row of the file into output, none
   * rejected.
   */
  private void assertValidAndRejectFree(Path csv, long rows) throws Exception {
    String snippet = out.toString();
    Path spec =
        Files.writeString(
            dir.resolve("spec-" + csv.getFileName() + ".yaml"),
            "name: sniffed\nstages:\n  - type: download\n    url: file:"
                + csv.getFileName()
                + "\n"
                + snippet
                + "  - type: upload\n    to: file://"
                + dir.resolve("out")
                + "/{file}\n");
    StringWriter validateOut = new StringWriter();
    StringWriter validateErr = new StringWriter();
    int exit =
        LocalityCli.execute(
            Map.of(),
            new PrintWriter(validateOut),
            new PrintWriter(validateErr),
            "validate",
            spec.toString());
    assertThat(exit).as("validate: %s%s", validateOut, validateErr).isZero();

    StageTestRunner runner =
        StageTestRunner.of(new TransformCsvStage(), dir.resolve("run-" + csv.getFileName()));
    snippet().forEach(runner::option);
    runner.option("maxRejects", 0);
    runner.input("in.csv", Files.readAllBytes(csv));
    StageTestRunner.Outcome outcome = runner.run();
    assertThat(outcome.metrics().rowsRejected()).isZero();
    assertThat(outcome.metrics().rowsOut()).isEqualTo(rows);
  }

  private int sniff(String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "sniff";
    System.arraycopy(args, 0, full, 1, args.length);
    return LocalityCli.execute(Map.of(), new PrintWriter(out), new PrintWriter(err), full);
  }
}
