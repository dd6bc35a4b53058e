package dev.locality.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.testserver.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages of the command line, without running a pipeline. */
class LocalityCliTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void invalidSpecExitsTwoAndListsEveryProblemWithStageIndexTypeAndKey() throws Exception {
    Path spec =
        write(
            "bad.yaml",
            """
            name: Bad_Name
            colour: blue
            stages:
              - type: download
              - type: no-such-stage
                x: 1
            """);

    int exit = run("run", spec.toString(), "--wait");

    assertThat(exit).isEqualTo(ExitCodes.USAGE);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString())
        .contains("invalid pipeline spec " + spec + " (4 problems)")
        .contains("name: 'Bad_Name' must match")
        .contains("colour: unknown key")
        .contains("stages[0] (download).url: give the source as url or urls")
        .contains("stages[1] (no-such-stage).type: unknown stage type 'no-such-stage'");
  }

  @Test
  void invalidSpecWithJsonAlsoPrintsTheProblemsAsOneJsonObject() throws Exception {
    Path spec = write("bad.json", "{\"name\": \"p\", \"stages\": [{\"type\": \"download\"}]}");

    int exit = run("run", spec.toString(), "--json");

    assertThat(exit).isEqualTo(ExitCodes.USAGE);
    JsonNode root = new ObjectMapper().readTree(out.toString());
    assertThat(root.get("status").asText()).isEqualTo("INVALID");
    JsonNode problem = root.get("problems").get(0);
    assertThat(problem.get("stageIndex").asInt()).isZero();
    assertThat(problem.get("stageType").asText()).isEqualTo("download");
    assertThat(problem.get("key").asText()).isEqualTo("url");
    assertThat(problem.get("message").asText()).contains("give the source as url or urls");
  }

  @Test
  void missingSpecFileIsAUsageError() {
    int exit = run("run", dir.resolve("nope.yaml").toString());

    assertThat(exit).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("cannot read spec").contains("nope.yaml");
  }

  @Test
  void commandLineErrorsExitTwo() {
    assertThat(run("run")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("Missing required parameter: 'SPEC'");
    assertThat(run("frobnicate")).isEqualTo(ExitCodes.USAGE);
    assertThat(run("status", "a", "--bogus")).isEqualTo(ExitCodes.USAGE);
    assertThat(run()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void helpListsEveryCommand() {
    assertThat(run("--help")).isEqualTo(ExitCodes.SUCCESS);

    assertThat(out.toString())
        .contains("run", "watch", "status", "list", "cancel", "batch", "validate", "stages")
        .contains("demo", "worker", "server", "completion")
        .contains("Examples:");
  }

  @Test
  void theWorkerCommandsUsageNamesItAsItIsTyped() {
    assertThat(run("worker", "--help")).isEqualTo(ExitCodes.SUCCESS);

    assertThat(out.toString())
        .startsWith("Usage: locality worker ")
        .doesNotContain("locality-worker [");
  }

  @Test
  void everyCommandsHelpHasExamples() {
    for (String command :
        new String[] {"run", "watch", "list", "batch", "stages", "demo", "completion"}) {
      out.getBuffer().setLength(0);
      assertThat(run(command, "--help")).as(command).isEqualTo(ExitCodes.SUCCESS);
      assertThat(out.toString()).as(command).contains("Examples:", "locality " + command);
    }
  }

  @Test
  void statusOfAnUnknownIdSaysSoAndExitsTwo() {
    int port = dev.locality.cli.connect.Ports.freeLoopbackPort();
    TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port);
    try {
      int exit =
          LocalityCli.execute(
              env("TEMPORAL_ADDRESS", "127.0.0.1:" + port),
              new PrintWriter(out, true),
              new PrintWriter(err, true),
              "status",
              "no-such-pipeline");

      assertThat(exit).isEqualTo(ExitCodes.USAGE);
      assertThat(err.toString()).contains("no pipeline with id no-such-pipeline");
      assertThat(out.toString()).isEmpty();
    } finally {
      server.close();
    }
  }

  @Test
  void noCommandPrintsAUrlsCredentialsOrQuery() throws Exception {
    Path spec =
        write(
            "secret.yaml",
            """
            name: p
            stages:
              - type: download
                url: "ftp://user:S3CRETMARK@host/x.csv?sig=S3CRETMARK"
            """);

    int exit = run("validate", spec.toString());
    run("validate", spec.toString(), "--json");

    assertThat(exit).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("ftp://***@host/x.csv?***");
    assertThat(out.toString() + err.toString()).doesNotContain("S3CRETMARK");
  }

  @Test
  void validateRefusesDecompressHandingOnCompressedDataToAStageThatCannotReadIt() throws Exception {
    Path bad =
        write(
            "handover.yaml",
            """
            name: p
            stages:
              - type: download
                url: "https://example.org/sales.csv.gz"
              - type: decompress
                materialize: false
              - type: upload
                to: "file:///tmp/out/{name}.csv"
            """);
    Path good =
        write(
            "inline.yaml",
            """
            name: p
            stages:
              - type: download
                url: "https://example.org/sales.csv.gz"
              - type: decompress
                materialize: false
              - type: transform-csv
              - type: upload
                to: "file:///tmp/out/{name}.csv"
            """);

    int exit = run("validate", bad.toString());

    assertThat(exit).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .contains("stages[1] (decompress).materialize")
        .contains("the next stage, upload (stages[2]), cannot read compressed input")
        .contains("(decompress, transform-csv)");
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    assertThat(run("validate", good.toString())).as("%s%s", out, err).isZero();
  }

  @Test
  void aPayloadKeyFileThatCannotBeReadIsAUsageErrorNamingTheVariable() {
    int port = dev.locality.cli.connect.Ports.freeLoopbackPort();
    TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port);
    try {
      int exit =
          LocalityCli.execute(
              env(
                  "TEMPORAL_ADDRESS",
                  "127.0.0.1:" + port,
                  "LOCALITY_PAYLOAD_KEY_FILE",
                  dir.resolve("missing.key").toString()),
              new PrintWriter(out, true),
              new PrintWriter(err, true),
              "status",
              "some-pipeline");

      assertThat(exit).isEqualTo(ExitCodes.USAGE);
      assertThat(err.toString())
          .contains("LOCALITY_PAYLOAD_KEY_FILE: cannot read the payload key file")
          .contains("missing.key");
    } finally {
      server.close();
    }
  }

  private int run(String... args) {
    return LocalityCli.execute(env(), new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  /** An environment that ignores any Temporal config file of the machine running the tests. */
  private Map<String, String> env(String... keyValues) {
    java.util.Map<String, String> env = new java.util.HashMap<>();
    env.put("TEMPORAL_CONFIG_FILE", dir.resolve("no-temporal.toml").toString());
    for (int i = 0; i < keyValues.length; i += 2) env.put(keyValues[i], keyValues[i + 1]);
    return env;
  }

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }
}
