package dev.locality.api.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locality.stage.StageRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Spec checkpoints: the stage key, the session keys, their validation and the document. */
class CheckpointSpecTest {
  private final SpecParser parser =
      new SpecParser(StageRegistry.of(List.of(new SpecParserTest.FetchStage())));
  private final SpecParser structure = SpecParser.structureOnly();

  @Test
  void aStageNamesItsOwnStoreAndTheKeyIsNotAnOption() {
    PipelineSpec spec =
        parser.parse(
            "name: p\nstages:\n  - {type: fetch, url: u, checkpoint: 's3://bkt/ck'}\n"
                + "  - {type: fetch, url: v}\n",
            null);
    assertThat(spec.session().checkpointPlan().stores()).isEqualTo(Map.of(0, "s3://bkt/ck/"));
    assertThat(spec.session().checkpointPlan().keep()).isFalse();
    assertThat(spec.stages().get(0).options()).doesNotContainKey("checkpoint");
  }

  @Test
  void checkpointAfterNamesStageTypesWithTheSessionStore() {
    PipelineSpec spec =
        structure.parse(
            "name: p\nsession: {checkpoint: 'file:///tmp/ck/', checkpointAfter: [download],"
                + " keepCheckpoints: true}\nstages:\n  - {type: download}\n  - {type: gunzip}\n"
                + "  - {type: download}\n  - {type: upload}\n",
            null);
    assertThat(spec.session().checkpointPlan().stores())
        .isEqualTo(Map.of(0, "file:///tmp/ck/", 2, "file:///tmp/ck/"));
    assertThat(spec.session().checkpointPlan().keep()).isTrue();
  }

  @Test
  void aStageStoreWinsOverTheSessionStore() {
    PipelineSpec spec =
        structure.parse(
            "name: p\nsession: {checkpoint: 's3://one/', checkpointAfter: [a]}\n"
                + "stages: [{type: a, checkpoint: 's3://two/x/'}, {type: b}]\n",
            null);
    assertThat(spec.session().checkpointPlan().storeOf(0)).isEqualTo("s3://two/x/");
  }

  @Test
  void withoutCheckpointsTheSpecAndItsDocumentAreAsBefore() {
    PipelineSpec spec = parser.parse("name: p\nstages: [{type: fetch, url: u}]", null);
    assertThat(spec.session().checkpoints()).isNull();
    assertThat(SpecDocument.of(spec).toString()).doesNotContain("heckpoint");
  }

  @Test
  void theDocumentReadsBackToTheSameCheckpoints() {
    PipelineSpec spec =
        structure.parse(
            "name: p\nsession: {checkpoint: 's3://bkt/p', checkpointAfter: [a],"
                + " keepCheckpoints: true}\nstages: [{type: a}, {type: b}]\n",
            null);
    PipelineSpec again = structure.fromTree(SpecDocument.toTree(SpecDocument.of(spec)), "document");
    assertThat(again.session().checkpointPlan()).isEqualTo(spec.session().checkpointPlan());
    assertThat(again).isEqualTo(spec);
  }

  @Test
  void everyProblemIsReportedWithItsKey() {
    String yaml =
        "name: p\n"
            + "session: {checkpoint: 'http://x/y', checkpointAfter: [fetch, nope, 3],"
            + " keepCheckpoints: maybe}\n"
            + "stages:\n"
            + "  - {type: fetch, url: u, checkpoint: 's3://B_ad/'}\n"
            + "  - {type: fetch, url: u, checkpoint: 'file:relative/dir'}\n"
            + "  - {type: fetch, url: u, checkpoint: 's3://bkt/a?x=1'}\n"
            + "  - {type: fetch, url: u, checkpoint: 7}\n";
    assertThatThrownBy(() -> parser.parse(yaml, "c.yaml"))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("session.checkpoint")
        .hasMessageContaining("'http://x/y/' is not a checkpoint store")
        .hasMessageContaining("'nope' is not a stage of this pipeline (its stages: fetch")
        .hasMessageContaining("expected a stage type (text), got '3'")
        .hasMessageContaining("session.keepCheckpoints")
        .hasMessageContaining("expected true or false, got 'maybe'")
        .hasMessageContaining("needs a valid bucket name")
        .hasMessageContaining("must be an absolute file:///dir/ URL")
        .hasMessageContaining("must not have a query")
        .hasMessageContaining("expected a store URL");
  }

  @Test
  void checkpointAfterNeedsTheSessionStoreAndTheStoreNeedsStages() {
    assertThatThrownBy(
            () ->
                structure.parse(
                    "name: p\nsession: {checkpointAfter: [a]}\nstages: [{type: a}]", null))
        .hasMessageContaining("session.checkpointAfter")
        .hasMessageContaining("needs session.checkpoint");
    assertThatThrownBy(
            () ->
                structure.parse(
                    "name: p\nsession: {checkpoint: 's3://bkt/'}\nstages: [{type: a}]", null))
        .hasMessageContaining("no stage is checkpointed");
    assertThatThrownBy(
            () ->
                structure.parse(
                    "name: p\nsession: {checkpoint: 's3://bkt/', checkpointAfter: []}\n"
                        + "stages: [{type: a}]",
                    null))
        .hasMessageContaining("expected a non-empty list of stage types");
  }

  @Test
  void dotSegmentsAreRefused() {
    assertThat(CheckpointSpecParser.storeProblem("file:///data/../etc/")).contains("'..'");
    assertThat(CheckpointSpecParser.storeProblem("s3://bkt/a/../b/")).contains("'..'");
    assertThat(CheckpointSpecParser.storeProblem("s3://bkt/")).isNull();
    assertThat(CheckpointSpecParser.storeProblem("file:///var/ck/")).isNull();
  }
}
