package dev.locality.activities.stages.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.stage.Artifact;
import dev.locality.stage.BadInputException;
import dev.locality.stage.OptionProblem;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.runtime.ResourceCache;
import dev.locality.stage.testkit.StageTestRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LookupStageTest {
  private static final String TABLE =
      "zip_code,county,state\n"
          + "10001,New York,NY\n"
          + "94103,San Francisco,CA\n"
          + "60601,\"Cook, IL\",IL\n"
          + "02134,Suffolk,MA\n";

  private static final String ORDERS =
      "id,zip_code,amount\n"
          + "1,10001,5\n"
          + "2,99999,7\n"
          + "3,60601,\"1,5\"\n"
          + "4,02134,2\n"
          + "5,10001\n";

  @TempDir Path tmp;

  private Path write(String name, String content) throws Exception {
    Path file = tmp.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  private StageTestRunner runner(String dir, Path table) throws Exception {
    Files.createDirectories(tmp.resolve(dir));
    return StageTestRunner.of(new LookupStage(), tmp.resolve(dir))
        .option("table", table.toUri().toString())
        .option("on", "zip_code")
        .option("add", List.of("county", "state"));
  }

  @Test
  void addsTheTablesColumnsAndKeepsRowsWithoutAMatch() throws Exception {
    Path table = write("zip-to-county.csv", TABLE);
    var run = runner("a", table).input("orders.csv", ORDERS).run();
    assertThat(run.text("orders.csv"))
        .isEqualTo(
            "id,zip_code,amount,county,state\n"
                + "1,10001,5,New York,NY\n"
                + "2,99999,7,,\n"
                + "3,60601,\"1,5\",\"Cook, IL\",IL\n"
                + "4,02134,2,Suffolk,MA\n");
    assertThat(run.text("orders.rejects.csv"))
        .isEqualTo("line,reason,raw\n6,\"has 2 fields, header has 3\",\"5,10001\"\n");
    assertThat(run.metrics().rowsIn()).isEqualTo(5);
    assertThat(run.metrics().rowsOut()).isEqualTo(4);
    assertThat(run.metrics().rowsRejected()).isEqualTo(1);
    assertThat(run.outputs())
        .extracting(Artifact::kind)
        .containsExactly(Artifact.DATA, Artifact.REJECTS);
    assertThat(table).as("the table file itself is untouched").exists();
    assertThat(Files.exists(run.file("../resume-1"))).as("no fetched copy is left").isFalse();
  }

  @Test
  void rejectsRowsWithoutAMatchNamingTheKey() throws Exception {
    Path table = write("zip-to-county.csv", TABLE);
    String input = "id,zip_code\n1,10001\n2,99999\n";
    var run = runner("a", table).option("missing", "reject").input("orders.csv", input).run();
    assertThat(run.text("orders.csv")).isEqualTo("id,zip_code,county,state\n1,10001,New York,NY\n");
    assertThat(run.text("orders.rejects.csv"))
        .isEqualTo(
            "line,reason,raw\n3,no row in the lookup table for zip_code '99999',\"2,99999\"\n");
    assertThat(run.metrics())
        .isEqualTo(new StageMetrics(input.length(), run.text("orders.csv").length(), 2, 1, 0, 1));
  }

  @Test
  void joinsLikePythonOnGeneratedDataWithCsvTable() throws Exception {
    compareWithPython("csv", "keep", 1);
    compareWithPython("csv", "reject", 2);
  }

  @Test
  void joinsLikePythonOnGeneratedDataWithJsonlTableAndDifferentColumnNames() throws Exception {
    compareWithPython("jsonl", "keep", 3);
    compareWithPython("jsonl", "reject", 4);
  }

  private void compareWithPython(String format, String missing, long seed) throws Exception {
    Random random = new Random(seed);
    String[] odd = {"plain", "with, comma", "quote \"inside\"", "line\nbreak", "ünïcødé ✓", ""};
    StringBuilder table = new StringBuilder(format.equals("csv") ? "code,name,note\n" : "");
    for (int i = 0; i < 500; i++) {
      String code = "K" + i;
      String name = odd[random.nextInt(odd.length)] + i;
      String note = odd[random.nextInt(odd.length)];
      if (format.equals("csv")) {
        table.append(csv(code)).append(',').append(csv(name)).append(',').append(csv(note));
      } else {
        table.append("{\"code\":\"").append(code).append("\",\"name\":").append(json(name));
        if (random.nextBoolean()) table.append(",\"note\":").append(json(note));
        table.append(",\"n\":").append(i).append('}');
      }
      table.append('\n');
    }
    StringBuilder input = new StringBuilder("id,key,text\n");
    for (int i = 0; i < 3000; i++) {
      String key = "K" + random.nextInt(700); // some keys are not in the table
      input.append(i).append(',').append(csv(key)).append(',');
      input.append(csv(odd[random.nextInt(odd.length)]));
      if (random.nextInt(200) == 0) input.append(",extra"); // a ragged row
      input.append('\n');
    }
    String dir = format + "-" + missing;
    Path tableFile = write(dir + "-table." + format, table.toString());
    Path inputFile = write(dir + "-input.csv", input.toString());
    var run =
        runner(dir, tableFile)
            .option("on", Map.of("input", "key", "table", "code"))
            .option("add", List.of("name", "note"))
            .option("missing", missing)
            .input("in.csv", input.toString())
            .run();
    LookupOracle oracle = new LookupOracle(tmp);
    String expected =
        oracle.join(inputFile, tableFile, format, "key", "code", List.of("name", "note"), missing);
    assertThat(oracle.ours(run.file("in.csv"), run.file("in.rejects.csv"))).isEqualTo(expected);
    assertThat(run.metrics().rowsIn()).isEqualTo(3000);
    assertThat(run.metrics().rowsOut() + run.metrics().rowsRejected()).isEqualTo(3000);
  }

  private static String csv(String value) {
    return value.matches("[^,\"\n\r]*") ? value : "\"" + value.replace("\"", "\"\"") + "\"";
  }

  private static String json(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  @Test
  void theTableIsLoadedOnceForManyPipelinesOnOneWorker() throws Exception {
    Path table = write("zip-to-county.csv", TABLE);
    try (ResourceCache worker = new ResourceCache(8, 1 << 20, null)) {
      for (int i = 0; i < 4; i++) {
        var run =
            runner("p" + i, table)
                .resources(worker)
                .input("orders.csv", "id,zip_code\n1,94103\n")
                .run();
        assertThat(run.text("orders.csv"))
            .isEqualTo("id,zip_code,county,state\n1,94103,San Francisco,CA\n");
      }
      assertThat(worker.stats()).isEqualTo(new ResourceCache.Stats(3, 1, 0, 0));
      assertThat(worker.size()).isEqualTo(1);
      assertThat(worker.weightBytes()).isPositive();

      // a changed table is another resource: loaded again
      Files.writeString(table, TABLE.replace("San Francisco", "SF"));
      var run =
          runner("changed", table)
              .resources(worker)
              .input("orders.csv", "id,zip_code\n1,94103\n")
              .run();
      assertThat(run.text("orders.csv")).isEqualTo("id,zip_code,county,state\n1,94103,SF,CA\n");
      assertThat(worker.stats().loads()).isEqualTo(2);
    }
  }

  @Test
  void sessionsAskingForTheTableAtOnceShareOneLoad() throws Exception {
    StringBuilder big = new StringBuilder("zip_code,county,state\n");
    for (int zip = 0; zip < 100_000; zip++)
      big.append(zip).append(",County ").append(zip % 977).append(",S\n");
    Path table = write("big.csv", big.toString());
    int sessions = 6;
    try (ResourceCache worker = new ResourceCache(8, 1 << 30, null)) {
      java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(sessions);
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(sessions);
      try {
        List<java.util.concurrent.Future<String>> outputs = new java.util.ArrayList<>();
        for (int i = 0; i < sessions; i++) {
          StageTestRunner runner =
              runner("s" + i, table)
                  .resources(worker)
                  .heartbeatTimeout(java.time.Duration.ofSeconds(5))
                  .input("o.csv", "id,zip_code\n" + i + "," + (i * 1000 + 7) + "\n");
          outputs.add(
              pool.submit(
                  () -> {
                    start.await();
                    return runner.run().text("o.csv");
                  }));
        }
        for (int i = 0; i < sessions; i++)
          assertThat(outputs.get(i).get(120, java.util.concurrent.TimeUnit.SECONDS))
              .isEqualTo(
                  "id,zip_code,county,state\n"
                      + i
                      + ","
                      + (i * 1000 + 7)
                      + ",County "
                      + ((i * 1000 + 7) % 977)
                      + ",S\n");
      } finally {
        pool.shutdownNow();
      }
      assertThat(worker.stats()).isEqualTo(new ResourceCache.Stats(sessions - 1, 1, 0, 0));
    }
  }

  @Test
  void withSha256AWorkerThatHasTheTableDoesNotFetchIt() throws Exception {
    Path table = write("zip-to-county.csv", TABLE);
    String sha =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(TABLE.getBytes(StandardCharsets.UTF_8)));
    try (ResourceCache worker = new ResourceCache(8, 1 << 20, null)) {
      runner("first", table)
          .option("sha256", sha)
          .resources(worker)
          .input("o.csv", "id,zip_code\n1,10001\n")
          .run();
      Files.delete(table); // a fetch would fail now
      var second =
          runner("second", table)
              .option("sha256", sha)
              .resources(worker)
              .input("o.csv", "id,zip_code\n1,10001\n")
              .run();
      assertThat(second.text("o.csv")).isEqualTo("id,zip_code,county,state\n1,10001,New York,NY\n");
      assertThat(worker.stats()).isEqualTo(new ResourceCache.Stats(1, 1, 0, 0));
    }
  }

  @Test
  void aTableWhoseDigestDiffersFromSha256IsBadInputAndNotCached() throws Exception {
    Path table = write("zip-to-county.csv", TABLE);
    try (ResourceCache worker = new ResourceCache(8, 1 << 20, null)) {
      BadInputException e =
          runner("a", table)
              .option("sha256", "0".repeat(64))
              .resources(worker)
              .input("o.csv", "id,zip_code\n1,10001\n")
              .runExpectingBadInput();
      assertThat(e).hasMessageContaining("SHA-256 mismatch");
      assertThat(worker.stats()).isEqualTo(new ResourceCache.Stats(0, 0, 1, 0));
      assertThat(worker.size()).isZero();
    }
  }

  @Test
  void anInputWithoutTheJoinColumnIsBadInput() throws Exception {
    Path table = write("t.csv", TABLE);
    BadInputException e =
        runner("a", table).input("orders.csv", "id,zip\n1,10001\n").runExpectingBadInput();
    assertThat(e)
        .hasMessage("orders.csv has no column 'zip_code' to join on (its columns: id, zip)");
  }

  @Test
  void anInputThatHasAColumnToAddAlreadyIsBadInput() throws Exception {
    Path table = write("t.csv", TABLE);
    BadInputException e =
        runner("a", table)
            .input("orders.csv", "id,zip_code,county\n1,10001,x\n")
            .runExpectingBadInput();
    assertThat(e).hasMessageStartingWith("orders.csv has a column 'county' already");
  }

  @Test
  void aTableWithoutTheKeyColumnIsBadInput() throws Exception {
    Path table = write("t.csv", "zip,county,state\n1,a,b\n");
    BadInputException e =
        runner("a", table).input("o.csv", "id,zip_code\n1,1\n").runExpectingBadInput();
    assertThat(e)
        .hasMessageEndingWith(
            "t.csv has no column 'zip_code' to join on (its columns: zip, county, state)");
  }

  @Test
  void aTableWithoutAColumnToAddIsBadInput() throws Exception {
    Path table = write("t.csv", "zip_code,county\n1,a\n");
    BadInputException e =
        runner("a", table).input("o.csv", "id,zip_code\n1,1\n").runExpectingBadInput();
    assertThat(e).hasMessageContaining("has no column 'state' (its columns: zip_code, county)");
  }

  @Test
  void aDuplicateKeyInTheTableIsBadInputNamingTheKeyAndBothLines() throws Exception {
    Path table = write("t.csv", TABLE + "94103,Elsewhere,CA\n");
    try (ResourceCache worker = new ResourceCache(8, 1 << 20, null)) {
      BadInputException e =
          runner("a", table)
              .resources(worker)
              .input("o.csv", "id,zip_code\n1,1\n")
              .runExpectingBadInput();
      assertThat(e)
          .hasMessageEndingWith(
              "t.csv line 6: key '94103' in column 'zip_code' appears again (first on line 3);"
                  + " a lookup table must hold each key once");
      assertThat(worker.stats().loadFailures()).isEqualTo(1);
      assertThat(worker.size()).as("a failed load is not cached").isZero();
    }
  }

  @Test
  void aDuplicateKeyInAJsonlTableIsBadInput() throws Exception {
    Path table =
        write(
            "t.jsonl",
            "{\"zip_code\":\"1\",\"county\":\"a\",\"state\":\"s\"}\n\n{\"zip_code\":\"1\"}\n");
    BadInputException e =
        runner("a", table).input("o.csv", "id,zip_code\n1,1\n").runExpectingBadInput();
    assertThat(e)
        .hasMessageContaining(
            "line 3: key '1' in column 'zip_code' appears again (first on line 1)");
  }

  @Test
  void malformedTableLinesAreBadInputNamingTheLine() throws Exception {
    assertThat(tableFailure("t.csv", "zip_code,county,state\n1,a,b\n2,c\n"))
        .hasMessageEndingWith("t.csv line 3: has 2 fields, the header has 3");
    assertThat(tableFailure("u.csv", "zip_code,county,state\n1,a,b\n2,\"c,d\n3,e,f\n"))
        .hasMessageContaining("line 3")
        .hasMessageContaining("malformed CSV");
    assertThat(
            tableFailure(
                "v.jsonl",
                "{\"zip_code\":\"1\",\"county\":\"a\",\"state\":\"b\"}\n{\"zip_code\": 2,\n"))
        .hasMessageContaining("v.jsonl line 2: not valid JSON");
    assertThat(tableFailure("w.jsonl", "[1,2]\n"))
        .hasMessageEndingWith("w.jsonl line 1: not a JSON object");
    assertThat(tableFailure("x.jsonl", "{\"county\":\"a\"}\n"))
        .hasMessageEndingWith(
            "x.jsonl line 1: has no value for the key 'zip_code' (a string or number)");
    assertThat(tableFailure("y.csv", "")).hasMessageEndingWith("y.csv is empty");
    byte[] latin1 =
        "zip_code,county,state\n1,K\u00f6ln,NRW\n".getBytes(StandardCharsets.ISO_8859_1);
    Files.write(tmp.resolve("z.csv"), latin1);
    assertThat(failure(tmp.resolve("z.csv"), "z")).hasMessageContaining("line 2");
  }

  private BadInputException tableFailure(String name, String content) throws Exception {
    return failure(write(name, content), name);
  }

  private BadInputException failure(Path table, String dir) throws Exception {
    return runner("bad-" + dir, table).input("o.csv", "id,zip_code\n1,1\n").runExpectingBadInput();
  }

  @Test
  void aTableLargerThanTheWorkersLimitIsBadInputNamingTheSetting() throws Exception {
    Path table = write("t.csv", TABLE);
    BadInputException e =
        runner("a", table)
            .workerSetting("maxLookupTableBytes", "20")
            .input("o.csv", "id,zip_code\n1,1\n")
            .runExpectingBadInput();
    assertThat(e)
        .hasMessageContaining("exceeds the worker's limit")
        .hasMessageContaining("worker setting maxLookupTableBytes=20");
  }

  @Test
  void aTableInsideTheWorkersOwnDirectoriesIsRefusedAsDownloadRefusesIt() throws Exception {
    Path owned = Files.createDirectories(tmp.resolve("work-root"));
    Path table = Files.writeString(owned.resolve("t.csv"), TABLE);
    BadInputException e =
        runner("a", table)
            .workerOwnedPaths(owned)
            .input("o.csv", "id,zip_code\n1,1\n")
            .runExpectingBadInput();
    assertThat(e).hasMessageContaining(table.toString());
    assertThat(table).exists();
  }

  @Test
  void optionsAreCheckedBeforeAnythingRuns() throws Exception {
    Path table = write("t.csv", TABLE);
    List<OptionProblem> problems =
        runner("a", table)
            .option("table", "ftp://example.org/t.csv")
            .option("add", List.of("zip_code"))
            .validate();
    assertThat(problems).extracting(OptionProblem::key).containsExactlyInAnyOrder("table", "add");
    assertThat(runner("b", table).option("on", Map.of("input", "a")).validate())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("keys input and table"));
    assertThat(runner("c", table).option("add", List.of()).validate())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("at least one"));
    assertThat(runner("d", table).option("missing", "drop").validate())
        .singleElement()
        .satisfies(p -> assertThat(p.key()).isEqualTo("missing"));
    assertThat(runner("e", table).option("sha256", "xyz").validate())
        .singleElement()
        .satisfies(p -> assertThat(p.key()).isEqualTo("sha256"));
    assertThat(runner("f", table).validate()).isEmpty();
  }
}
