package dev.locality.cli.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.api.spec.PipelineSpec;
import dev.locality.stage.StageRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spec hash is a property of the resolved spec, not of how its file is written: key order, YAML
 * or JSON, whitespace, comments and written-out defaults do not change it; every value does,
 * including one set with {@code --set}.
 */
class SpecHashTest {
  private static final StageRegistry STAGES =
      StageRegistry.load(SpecHashTest.class.getClassLoader());

  private static final String SPEC =
      """
      name: daily
      stages:
        - type: download
          url: https://data.example/sales.csv.gz
        - type: decompress
        - type: transform-csv
          select: [id, amount]
          derive: {cents: "amount + '00'", euros: "amount"}
        - type: upload
          to: file:///data/out/{name}/{file}
      """;

  @TempDir Path dir;

  private final SpecLoader loader = new SpecLoader(STAGES);
  private final SpecHash hash = new SpecHash(STAGES);

  @Test
  void isTheSha256OfTheCanonicalJson() throws IOException {
    PipelineSpec spec = load(SPEC);

    String canonical = hash.canonicalJson(spec);

    assertThat(hash.of(spec)).matches("[0-9a-f]{64}").isEqualTo(SpecHash.sha256(canonical));
    assertThat(canonical)
        .doesNotContain(" \n")
        .startsWith("{\"name\":\"daily\",\"session\":{\"creationTimeout\":\"5m\"")
        .contains("\"derive\":{\"cents\":\"amount + '00'\",\"euros\":\"amount\"}");
    assertThat(SpecHash.shortForm(hash.of(spec))).hasSize(12);
  }

  @Test
  void keyOrderFormattingCommentsAndJsonDoNotChangeIt() throws IOException {
    String reordered =
        """
        # the same pipeline, written differently
        stages:
          - url:   'https://data.example/sales.csv.gz'
            type: download

          - {type: decompress}
          - derive:
              cents: amount + '00'
              euros: amount
            type: transform-csv
            select:
              - id
              - amount
          - to: "file:///data/out/{name}/{file}"
            type: upload
        name: daily
        """;
    String json =
        """
        {"stages": [{"type": "download", "url": "https://data.example/sales.csv.gz"},
          {"type": "decompress"},
          {"select": ["id", "amount"], "type": "transform-csv",
           "derive": {"cents": "amount + '00'", "euros": "amount"}},
          {"type": "upload", "to": "file:///data/out/{name}/{file}"}],
         "name": "daily"}
        """;

    String expected = hash.of(load(SPEC));

    assertThat(hash.of(load(reordered))).isEqualTo(expected);
    assertThat(hash.of(loadFile("spec.json", json, List.of()))).isEqualTo(expected);
  }

  @Test
  void writingDefaultsOutInAnyNotationDoesNotChangeIt() throws IOException {
    String explicit =
        """
        name: daily
        session: {heartbeatTimeout: PT10S, creationTimeout: 300s, maxWorkerAttempts: 3}
        stages:
          - type: download
            url: https://data.example/sales.csv.gz
            idleTimeout: PT1M
            timeouts: {startToClose: 60m, heartbeat: 30s}
            retry: {maxAttempts: 3}
          - type: decompress
            format: auto
          - type: transform-csv
            select: ["id", 'amount']
            derive: {cents: "amount + '00'", euros: "amount"}
          - type: upload
            to: file:///data/out/{name}/{file}
        """;

    assertThat(hash.of(load(explicit))).isEqualTo(hash.of(load(SPEC)));
  }

  @Test
  void anyChangedValueChangesIt() throws IOException {
    String expected = hash.of(load(SPEC));

    assertThat(hash.of(load(SPEC.replace("sales.csv.gz", "sales-2.csv.gz"))))
        .isNotEqualTo(expected);
    assertThat(hash.of(load(SPEC.replace("[id, amount]", "[amount, id]")))).isNotEqualTo(expected);
    assertThat(
            hash.of(load(SPEC.replace("type: decompress", "type: decompress\n    format: gzip"))))
        .isNotEqualTo(expected);
  }

  /** derive appends its columns in the order written: that order is part of the spec. */
  @Test
  void keyOrderInsideAnOptionValueIsKept() throws IOException {
    String swapped =
        SPEC.replace(
            "{cents: \"amount + '00'\", euros: \"amount\"}",
            "{euros: \"amount\", cents: \"amount + '00'\"}");

    assertThat(hash.of(load(swapped))).isNotEqualTo(hash.of(load(SPEC)));
  }

  @Test
  void aSetOverrideChangesItUnlessItSetsTheSameValue() throws IOException {
    String expected = hash.of(load(SPEC));

    assertThat(hash.of(loadFile("s.yaml", SPEC, List.of("session.maxWorkerAttempts=5"))))
        .isNotEqualTo(expected);
    assertThat(
            hash.of(
                loadFile(
                    "s.yaml", SPEC, List.of("stages[0].url=https://data.example/other.csv.gz"))))
        .isNotEqualTo(expected)
        .isEqualTo(hash.of(load(SPEC.replace("sales.csv.gz", "other.csv.gz"))));
    assertThat(hash.of(loadFile("s.yaml", SPEC, List.of("session.maxWorkerAttempts=3"))))
        .as("3 is the default: the resolved spec is the same")
        .isEqualTo(expected);
  }

  /** A relative file: URL resolves against the spec's directory: two directories, two specs. */
  @Test
  void relativeFileUrlsAreHashedResolved() throws IOException {
    String relative = SPEC.replace("https://data.example/sales.csv.gz", "file:in/sales.csv.gz");
    Path a = Files.createDirectories(dir.resolve("a"));
    Path b = Files.createDirectories(dir.resolve("b"));

    String inA = hash.of(loader.load(write(a.resolve("s.yaml"), relative), SpecOverrides.none()));
    String inB = hash.of(loader.load(write(b.resolve("s.yaml"), relative), SpecOverrides.none()));

    assertThat(inA).isNotEqualTo(inB);
  }

  private PipelineSpec load(String yaml) throws IOException {
    return loadFile("spec.yaml", yaml, List.of());
  }

  private PipelineSpec loadFile(String name, String text, List<String> sets) throws IOException {
    return loader.load(write(dir.resolve(name), text), SpecOverrides.parse(sets, dir));
  }

  private static Path write(Path file, String text) throws IOException {
    return Files.writeString(file, text);
  }
}
