package dev.locality.activities.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.locality.api.spec.StageSpec;
import dev.locality.api.spec.StageTimeouts;
import dev.locality.api.workflow.Failures;
import dev.locality.api.workflow.StageInvocation;
import dev.locality.stage.Artifact;
import dev.locality.stage.ArtifactManifest;
import dev.locality.stage.PipelineInfo;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.StageResult;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputManifestsTest {
  @TempDir Path session;

  private static List<Artifact> artifacts(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> new Artifact("1-decompress/attempt-1/part-" + i + ".csv", i, "ab" + i, 1))
        .toList();
  }

  private static StageInvocation next(List<Artifact> inputs, ArtifactManifest manifest) {
    return new StageInvocation(
        new PipelineInfo("p", "wf", "run"),
        "s1",
        2,
        new StageSpec("transform-csv", Map.of(), StageTimeouts.DEFAULTS, 3),
        inputs,
        manifest);
  }

  @Test
  void aShortResultTravelsAsItIs() throws Exception {
    StageResult result =
        new StageResult(artifacts(ArtifactManifest.INLINE_LIMIT), StageMetrics.bytes(1, 1), null);

    StageResult spilled =
        OutputManifests.spillIfLarge(result, session, session.resolve("outputs-1.json"));

    assertThat(spilled).isSameAs(result);
    assertThat(session.resolve("outputs-1.json")).doesNotExist();
  }

  @Test
  void aLongResultIsSummarisedAndTheNextStageReadsEveryArtifactBack() throws Exception {
    Files.createDirectories(session.resolve("1-decompress"));
    List<Artifact> all = artifacts(100_000);
    List<String> uris = IntStream.range(0, 500).mapToObj(i -> "s3://b/k" + i).toList();
    StageResult result = new StageResult(all, StageMetrics.bytes(7, 7), uris);

    StageResult spilled =
        OutputManifests.spillIfLarge(
            result, session, session.resolve("1-decompress/outputs-1.json"));

    assertThat(spilled.outputs()).isEmpty();
    assertThat(spilled.outputUris()).hasSize(ArtifactManifest.INLINE_LIMIT);
    assertThat(spilled.manifest())
        .isEqualTo(
            new ArtifactManifest(
                "1-decompress/outputs-1.json",
                100_000,
                all.stream().mapToLong(Artifact::bytes).sum(),
                500));
    assertThat(spilled.outputCount()).isEqualTo(100_000);
    // what the history carries: well under Temporal's limits
    byte[] payload =
        JacksonJsonPayloadConverter.newDefaultObjectMapper().writeValueAsBytes(spilled);
    assertThat(payload.length).isLessThan(16 * 1024);

    List<Artifact> read = OutputManifests.inputs(next(List.of(), spilled.manifest()), session);
    assertThat(read).isEqualTo(all);
  }

  @Test
  void aMissingManifestMeansTheSessionsFilesAreNotTheOnesTheWorkflowKnows() {
    ArtifactManifest gone = new ArtifactManifest("1-decompress/outputs-1.json", 200, 0, 0);

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class, () -> OutputManifests.inputs(next(List.of(), gone), session));

    assertThat(failure.getType()).isEqualTo(Failures.SESSION_LOST);
    assertThat(failure.getOriginalMessage()).contains("outputs-1.json").contains("missing");
  }

  @Test
  void aManifestOutsideTheSessionIsRefused() {
    ArtifactManifest outside = new ArtifactManifest("../elsewhere.json", 200, 0, 0);

    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> OutputManifests.inputs(next(List.of(), outside), session));

    assertThat(failure.getType()).isEqualTo(Failures.BAD_INPUT);
  }
}
