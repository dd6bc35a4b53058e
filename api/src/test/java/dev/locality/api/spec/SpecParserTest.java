package dev.locality.api.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locality.stage.OptionProblem;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.OptionType;
import dev.locality.stage.Stage;
import dev.locality.stage.StageConfig;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageRegistry;
import dev.locality.stage.StageResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecParserTest {
  /** A stage with one required string, one integer and one list option. */
  static final class FetchStage implements Stage {
    static final OptionSpec<String> URL =
        OptionSpec.builder("url", OptionType.STRING).description("source").required().build();
    static final OptionSpec<Long> LIMIT =
        OptionSpec.builder("limit", OptionType.INTEGER)
            .description("max")
            .defaultValue(10L)
            .validator(v -> v < 0 ? "must not be negative" : null)
            .build();
    static final OptionSpec<List<String>> COLUMNS =
        OptionSpec.builder("columns", OptionType.STRING_LIST).description("columns").build();
    static final OptionSpec<String> MODE =
        OptionSpec.builder("mode", OptionType.STRING)
            .description("mode")
            .allowedValues("fast", "safe")
            .defaultValue("safe")
            .build();

    @Override
    public String type() {
      return "fetch";
    }

    @Override
    public String description() {
      return "test stage";
    }

    @Override
    public List<OptionSpec<?>> options() {
      return List.of(URL, LIMIT, COLUMNS, MODE);
    }

    @Override
    public List<OptionProblem> validate(StageConfig config) {
      return config.get(URL).startsWith("bad:")
          ? List.of(new OptionProblem("url", "scheme 'bad' is not supported"))
          : List.of();
    }

    @Override
    public StageResult run(StageInput input, StageContext context) {
      throw new UnsupportedOperationException();
    }
  }

  private final SpecParser parser = new SpecParser(StageRegistry.of(List.of(new FetchStage())));

  @Test
  void parsesAFullSpecWithDefaultsAndOverrides() {
    PipelineSpec spec =
        parser.parse(
            """
            name: daily-sales
            session:
              heartbeatTimeout: 3s
              maxWorkerAttempts: 2
            stages:
              - type: fetch
                url: http://x/y.csv
                limit: 5
                columns: [a, b]
                timeouts: {heartbeat: 20s, scheduleToStart: PT30S}
                retry: {maxAttempts: 5}
              - type: fetch
                url: http://x/z.csv
            """,
            "t.yaml");

    assertThat(spec.name()).isEqualTo("daily-sales");
    assertThat(spec.session())
        .isEqualTo(
            new SessionSpec(
                Duration.ofSeconds(3), Duration.ofMinutes(5), 2, Duration.ofSeconds(5)));
    StageSpec first = spec.stages().get(0);
    assertThat(first.type()).isEqualTo("fetch");
    assertThat(first.options()).containsOnlyKeys("url", "limit", "columns");
    assertThat(first.timeouts())
        .isEqualTo(
            new StageTimeouts(Duration.ofHours(1), Duration.ofSeconds(20), Duration.ofSeconds(30)));
    assertThat(first.maxAttempts()).isEqualTo(5);
    StageConfig config = new StageConfig(first.options());
    assertThat(config.get(FetchStage.LIMIT)).isEqualTo(5L);
    assertThat(config.get(FetchStage.COLUMNS)).containsExactly("a", "b");
    assertThat(config.get(FetchStage.MODE)).isEqualTo("safe");
    assertThat(spec.stages().get(1).timeouts()).isEqualTo(StageTimeouts.DEFAULTS);
  }

  @Test
  void jsonIsAccepted() {
    PipelineSpec spec =
        parser.parse(
            "{\"name\": \"j\", \"stages\": [{\"type\": \"fetch\", \"url\": \"u\"}]}", null);
    assertThat(spec.session()).isEqualTo(SessionSpec.DEFAULTS);
    assertThat(spec.stages()).hasSize(1);
  }

  @Test
  void reportsEveryProblemAtOnceWithStageIndexTypeAndKey() {
    String yaml =
        """
        name: Bad_Name
        colour: blue
        session:
          heartbeatTimeout: soon
          maxWorkerAttempts: 0
        stages:
          - type: fetch
            limit: many
            colums: [a]
          - type: teleport
            url: x
          - type: fetch
            url: bad:thing
          - type: fetch
            url: ok
            mode: turbo
            timeouts: {heartbeat: 0s, warp: 1s}
        """;
    assertThatThrownBy(() -> parser.parse(yaml, "bad.yaml"))
        .isInstanceOfSatisfying(
            InvalidSpecException.class,
            e -> {
              assertThat(e.problems())
                  .extracting(Problem::toString)
                  .containsExactlyInAnyOrder(
                      "name: 'Bad_Name' must match [a-z0-9-]{1,63}",
                      "colour: unknown key (allowed: name, session, stages)",
                      "session.heartbeatTimeout: 'soon' is not a duration (use 500ms, 10s, 5m, 1h, 2d or ISO-8601 like PT10S)",
                      "session.maxWorkerAttempts: must be between 1 and 100, got 0",
                      "stages[0] (fetch).colums: unknown option (options of fetch: columns, limit, mode, url, timeouts, retry)",
                      "stages[0] (fetch).url: required option is missing: source",
                      "stages[0] (fetch).limit: expected an integer, got the string 'many'",
                      "stages[1] (teleport).type: unknown stage type 'teleport' (known: fetch)",
                      "stages[2] (fetch).url: scheme 'bad' is not supported",
                      "stages[3] (fetch).mode: 'turbo' is not one of fast, safe",
                      "stages[3] (fetch).timeouts.warp: unknown key (allowed: heartbeat, scheduleToStart, startToClose)",
                      "stages[3] (fetch).timeouts.heartbeat: must be at least 1s");
              assertThat(e.getMessage())
                  .startsWith("invalid pipeline spec bad.yaml (12 problems):");
            });
  }

  @Test
  void syntaxErrorsNameTheLine() {
    assertThatThrownBy(() -> parser.parse("name: x\nstages: [\n  - {type: fetch", "s.yaml"))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("not valid YAML/JSON at line");
  }

  @Test
  void duplicateKeysAreRejected() {
    assertThatThrownBy(
            () -> parser.parse("name: a\nname: b\nstages: [{type: fetch, url: u}]", null))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("Duplicate field 'name'");
  }

  @Test
  void missingStagesAndNameAreReported() {
    assertThatThrownBy(() -> parser.parse("session: {}", null))
        .isInstanceOfSatisfying(
            InvalidSpecException.class,
            e ->
                assertThat(e.problems())
                    .extracting(Problem::key)
                    .containsExactlyInAnyOrder("name", "stages"));
  }

  @Test
  void relativeFileUrlsResolveAgainstTheSpecDirectory(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("pipelines/p.yaml");
    Files.createDirectories(spec.getParent());
    Files.writeString(
        spec,
        "name: p\nstages:\n  - {type: fetch, url: 'file:../data/in.csv.gz', columns: ['file:x', y]}\n"
            + "  - {type: fetch, url: 'file:///abs/x'}\n  - {type: fetch, url: 'file:/abs/y'}\n");

    PipelineSpec parsed = parser.parse(spec);

    assertThat(parsed.stages().get(0).options())
        .isEqualTo(
            Map.of(
                "url",
                "file://" + dir.toAbsolutePath().resolve("data/in.csv.gz"),
                "columns",
                List.of("file://" + dir.toAbsolutePath().resolve("pipelines/x"), "y")));
    assertThat(parsed.stages().get(1).options()).isEqualTo(Map.of("url", "file:///abs/x"));
    assertThat(parsed.stages().get(2).options()).isEqualTo(Map.of("url", "file:/abs/y"));
  }

  @Test
  void theSessionNamesItsResourcePool() {
    PipelineSpec spec =
        parser.parse(
            "name: p\nsession: {pool: gpu-large_2}\nstages: [{type: fetch, url: u}]", null);
    assertThat(spec.session().pool()).isEqualTo("gpu-large_2");
    assertThat(spec.session().poolName()).isEqualTo("gpu-large_2");
    assertThat(parser.parse("name: p\nstages: [{type: fetch, url: u}]", null).session().poolName())
        .isEqualTo("default");
    // the spec document sent to the workflow keeps the pool
    assertThat(parser.fromTree(SpecDocument.toTree(SpecDocument.of(spec)), null).session().pool())
        .isEqualTo("gpu-large_2");
    // naming the default pool is the same spec as naming none: one document, one hash
    assertThat(
            SpecDocument.of(
                parser.parse(
                    "name: p\nsession: {pool: default}\nstages: [{type: fetch, url: u}]", null)))
        .isEqualTo(SpecDocument.of(parser.parse("name: p\nstages: [{type: fetch, url: u}]", null)));
  }

  @Test
  void localityWaitDefaultsTo2sIsKeptWhenGivenAndMustNotBeNegative() {
    PipelineSpec plain = parser.parse("name: p\nstages: [{type: fetch, url: u}]", null);
    assertThat(plain.session().localityWait()).isNull();
    assertThat(plain.session().localityWaitOrDefault()).isEqualTo(Duration.ofSeconds(2));
    // left out of the document unless given: documents (and hashes) as before
    assertThat(SpecDocument.of(plain).path("session").has("localityWait")).isFalse();

    PipelineSpec off =
        parser.parse("name: p\nsession: {localityWait: 0s}\nstages: [{type: fetch, url: u}]", null);
    assertThat(off.session().localityWaitOrDefault()).isZero();
    PipelineSpec five =
        parser.parse("name: p\nsession: {localityWait: 5s}\nstages: [{type: fetch, url: u}]", null);
    assertThat(
            parser
                .fromTree(SpecDocument.toTree(SpecDocument.of(five)), null)
                .session()
                .localityWait())
        .isEqualTo(Duration.ofSeconds(5));

    assertThatThrownBy(
            () ->
                parser.parse(
                    "name: p\nsession: {localityWait: -1s}\nstages: [{type: fetch, url: u}]",
                    "p.yaml"))
        .isInstanceOfSatisfying(
            InvalidSpecException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(
                        p -> {
                          assertThat(p.key()).isEqualTo("session.localityWait");
                          assertThat(p.message()).contains("-1s");
                        }));
  }

  @Test
  void anInvalidPoolNameIsRefusedNamingTheValueAndTheRule() {
    for (String bad :
        List.of("GPU", "gpu pool", "-gpu", "gpu/x", "gpu@1", "\"\"", "x".repeat(64))) {
      assertThatThrownBy(
              () ->
                  parser.parse(
                      "name: p\nsession: {pool: '"
                          + bad.replace("'", "''")
                          + "'}\n"
                          + "stages: [{type: fetch, url: u}]",
                      "p.yaml"))
          .as(bad)
          .isInstanceOfSatisfying(
              InvalidSpecException.class,
              e ->
                  assertThat(e.problems())
                      .singleElement()
                      .satisfies(
                          p -> {
                            assertThat(p.key()).isEqualTo("session.pool");
                            assertThat(p.message()).contains("pool name");
                          }));
    }
    assertThatThrownBy(
            () ->
                parser.parse(
                    "name: p\nsession: {pool: [a]}\nstages: [{type: fetch, url: u}]", null))
        .isInstanceOfSatisfying(
            InvalidSpecException.class,
            e ->
                assertThat(e.problems())
                    .extracting(Problem::toString)
                    .singleElement()
                    .asString()
                    .contains("session.pool")
                    .contains("expected a pool name"));
  }
}
