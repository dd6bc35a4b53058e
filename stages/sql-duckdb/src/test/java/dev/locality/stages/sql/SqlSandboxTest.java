package dev.locality.stages.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.locality.stage.BadInputException;
import dev.locality.stage.testkit.StageTestRunner;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A query from someone else's spec cannot reach beyond its inputs: every attack below is refused,
 * first by the stage (only one SELECT runs) and, underneath, by DuckDB's own lock ({@link
 * SandboxedDuckDb}), which the second half attacks directly with statements the stage would never
 * let through.
 */
class SqlSandboxTest {
  @TempDir Path tmp;

  private Path secret() throws Exception {
    Path secret = tmp.resolve("outside/secret.csv");
    Files.createDirectories(secret.getParent());
    Files.writeString(secret, "token\nhunter2\n");
    return secret;
  }

  private BadInputException refused(String query) throws Exception {
    StageTestRunner runner =
        StageTestRunner.of(new SqlStage(), tmp.resolve("s" + query.hashCode()))
            .input("in.csv", "a\n1\n")
            .option("query", query)
            .skippingValidation(); // the worker's own check at stage start
    BadInputException e = runner.runExpectingBadInput();
    assertThat(e.getMessage()).doesNotContain("hunter2");
    return e;
  }

  @Test
  void aQueryCannotReadAFileOutsideTheSession() throws Exception {
    String path = secret().toString();
    for (String query :
        List.of(
            "select * from read_csv('" + path + "')",
            "select * from '" + path + "'",
            "select * from read_text('" + path + "')",
            "select * from read_blob('" + path + "')",
            "select * from read_text('/etc/passwd')",
            "select * from glob('" + tmp + "/*')",
            "select * from sniff_csv('" + path + "')",
            "select * from query('select * from read_csv(''" + path + "'')')",
            "select a, (select count(*) from read_csv('" + path + "')) from input")) {
      assertThat(refused(query).getMessage())
          .as(query)
          .contains("Permission Error")
          .contains("file system operations are disabled");
    }
  }

  /** An allowed file is no door: paths through it or beside it stay closed. */
  @Test
  void aPathThroughOrBesideAnAllowedInputIsRefused() throws Exception {
    Path secret = secret();
    StageTestRunner probe = StageTestRunner.of(new SqlStage(), tmp.resolve("probe"));
    Path input = probe.sessionDir().resolve("inputs/in.csv").toAbsolutePath();
    String up = "../".repeat(input.getNameCount());
    for (String query :
        List.of(
            "select * from read_text('" + input + "/" + up + secret.toString().substring(1) + "')",
            "select * from read_text('" + input + "x')",
            "select * from read_text('" + input.getParent() + "/../inputs/in.csv.secret')",
            "select * from glob('" + input.getParent() + "/*')")) {
      StageTestRunner runner =
          StageTestRunner.of(new SqlStage(), tmp.resolve("probe"))
              .input("in.csv", "a\n1\n")
              .option("query", query);
      BadInputException e = runner.runExpectingBadInput();
      assertThat(e.getMessage()).as(query).doesNotContain("hunter2");
      deleteTree(tmp.resolve("probe"));
    }
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }

  @Test
  void aQueryCannotReachAUrl() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          byte[] body = "a\n1\n".getBytes();
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/x.csv";
      for (String query :
          List.of(
              "select * from read_csv('" + url + "')",
              "select * from '" + url + "'",
              "select * from read_parquet('" + url.replace(".csv", ".parquet") + "')")) {
        assertThat(refused(query).getMessage()).as(query).contains("Permission Error");
      }
      assertThat(requests).hasValue(0);
    } finally {
      server.stop(0);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "copy (select 1) to '/tmp/locality-sql-evil.csv'",
        "attach '/tmp/locality-sql-evil.db'",
        "install httpfs",
        "load httpfs",
        "set enable_external_access = true",
        "set memory_limit = '100GB'",
        "pragma enable_profiling",
        "create table t as select 1",
        "insert into input values (2)",
        "export database '/tmp/locality-sql-evil'",
        "select 1; copy (select 1) to '/tmp/locality-sql-evil.csv'",
        "select 1) to '/tmp/locality-sql-evil.csv' (format csv); --",
        "select 1\n) to '/tmp/locality-sql-evil.csv' (format csv) --"
      })
  void anythingButOneSelectIsRefusedBeforeItRuns(String query) throws Exception {
    BadInputException e = refused(query);
    assertThat(e.getMessage()).startsWith("sql: the query ");
    assertThat(Path.of("/tmp/locality-sql-evil.csv")).doesNotExist();
    assertThat(Path.of("/tmp/locality-sql-evil.db")).doesNotExist();
    assertThat(Path.of("/tmp/locality-sql-evil")).doesNotExist();
  }

  // -- underneath: the database itself, attacked with statements the stage never lets through --

  private Connection sandbox(Path input, Path output) throws SQLException {
    return SandboxedDuckDb.open(
        List.of(input, output),
        tmp.resolve("spill"),
        new SandboxedDuckDb.Limits(256L << 20, 1, 1L << 30));
  }

  private static void refusedBy(Connection db, String sql, String reason) {
    assertThatThrownBy(
            () -> {
              try (Statement st = db.createStatement()) {
                st.execute(sql);
              }
            })
        .as(sql)
        .isInstanceOf(SQLException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void theDatabaseRefusesWritesAttachesExtensionsAndSettingChanges() throws Exception {
    Path input = tmp.resolve("in.csv");
    Files.writeString(input, "a\n1\n");
    Path output = tmp.resolve("out/result.csv");
    Files.createDirectories(output.getParent());
    Path evil = tmp.resolve("evil.csv");
    String disabled = "disabled";
    try (Connection db = sandbox(input, output)) {
      refusedBy(db, "copy (select 1) to '" + evil + "'", disabled);
      refusedBy(db, "attach '" + tmp.resolve("x.db") + "'", disabled);
      refusedBy(db, "install httpfs", disabled);
      refusedBy(db, "load httpfs", disabled);
      refusedBy(db, "load '" + tmp.resolve("evil.duckdb_extension") + "'", disabled);
      for (String setting :
          List.of(
              "enable_external_access = true",
              "memory_limit = '100GB'",
              "threads = 64",
              "allowed_paths = ['/']",
              "allowed_directories = ['/']",
              "temp_directory = '/tmp'",
              "autoinstall_known_extensions = true",
              "lock_configuration = false"))
        refusedBy(db, "set " + setting, "the configuration has been locked");
      refusedBy(db, "reset memory_limit", "locked");
      // what is allowed still works: the input reads, the output writes
      try (Statement st = db.createStatement()) {
        st.execute("copy (select a + 1 b from read_csv('" + input + "')) to '" + output + "'");
      }
      try (Statement st = db.createStatement();
          ResultSet rs = st.executeQuery("select current_setting('memory_limit')")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("256.0 MiB");
      }
    }
    assertThat(evil).doesNotExist();
    assertThat(tmp.resolve("x.db")).doesNotExist();
    assertThat(Files.readString(output)).isEqualTo("b\n2\n");
  }
}
