package dev.locality.activities.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The manifest format: what it holds, how it reads back, what it refuses. */
class CheckpointManifestTest {
  private static final CheckpointManifest.Entry A = new CheckpointManifest.Entry("0-x/a", 3, "aa");
  private static final CheckpointManifest.Entry B = new CheckpointManifest.Entry("0-x/b", 0, "bb");

  private static CheckpointManifest of(CheckpointManifest.Entry... files) {
    return new CheckpointManifest(
        CheckpointManifest.FORMAT, "wf", "run", 0, "download", "s-1", List.of(files));
  }

  @Test
  void itIsJsonWithEveryFilesPathSizeAndSha256() throws Exception {
    JsonNode json = new ObjectMapper().readTree(of(A, B).toJson());
    assertThat(json.get("format").asText()).isEqualTo("locality-checkpoint/1");
    assertThat(json.get("workflowId").asText()).isEqualTo("wf");
    assertThat(json.get("files").get(0).get("path").asText()).isEqualTo("0-x/a");
    assertThat(json.get("files").get(0).get("bytes").asLong()).isEqualTo(3);
    assertThat(json.get("files").get(1).get("sha256").asText()).isEqualTo("bb");
    assertThat(CheckpointManifest.parse(of(A, B).toJson())).isEqualTo(of(A, B));
  }

  @Test
  void aTruncatedOrForeignObjectIsRefused() {
    byte[] whole = of(A).toJson();
    byte[] half = java.util.Arrays.copyOf(whole, whole.length / 2);
    assertThatThrownBy(() -> CheckpointManifest.parse(half)).hasMessageContaining("not valid JSON");
    assertThatThrownBy(
            () ->
                CheckpointManifest.parse(
                    "{\"format\":\"other/2\",\"files\":[]}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("format is 'other/2'");
  }

  @Test
  void mismatchNamesMissingDifferentAndExtraFiles() {
    assertThat(of(A, B).mismatch(List.of(B, A))).isNull();
    assertThat(of(A).mismatch(List.of(A, B))).isEqualTo("0-x/b is missing");
    assertThat(of(A, B).mismatch(List.of(A))).isEqualTo("0-x/b was not an output");
    assertThat(of(A).mismatch(List.of(new CheckpointManifest.Entry("0-x/a", 3, "ab"))))
        .isEqualTo("0-x/a differs from the recorded output");
    assertThat(of(A, A).mismatch(List.of(A))).contains("twice");
    assertThat(of(A).mismatch(List.of(new CheckpointManifest.Entry("0-x/a", 3, null))))
        .as("a recorded output without a SHA-256 matches by path and size")
        .isNull();
    assertThat(of(A).mismatch(List.of(new CheckpointManifest.Entry("0-x/a", 4, null))))
        .isEqualTo("0-x/a differs from the recorded output");
  }
}
