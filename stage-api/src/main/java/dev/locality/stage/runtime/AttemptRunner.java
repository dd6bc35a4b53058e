package dev.locality.stage.runtime;

import dev.locality.stage.Artifact;
import dev.locality.stage.Stage;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one attempt of a stage with the boilerplate every stage would otherwise repeat, the same way
 * on the worker (the dispatcher) and in the test kit:
 *
 * <ol>
 *   <li>the stage gets only the input artifacts it {@linkplain Stage#consumes consumes};
 *   <li>the others are appended, unchanged and in their input order, after the stage's outputs;
 *   <li>{@code finish} (the worker: moving long lists into a manifest) runs before the attempt
 *       counts as succeeded;
 *   <li>on success the attempt's resume files and ended earlier attempts' directories are deleted
 *       ({@link AttemptDirs.Attempt#succeeded});
 *   <li>on any failure, including a stage returning null or {@code finish} failing, the attempt's
 *       output directory is deleted, and its resume files too unless the failure is transient
 *       ({@link StageFailures}); then the failure propagates unchanged.
 * </ol>
 *
 * Stateless and thread-safe.
 */
public final class AttemptRunner {
  /** A last step on a successful attempt's result; its failure is the attempt's. */
  @FunctionalInterface
  public interface Finish {
    StageResult apply(StageResult result) throws IOException;
  }

  private AttemptRunner() {}

  /** {@link #run(Stage, StageInput, AttemptContext, AttemptDirs.Attempt, Finish)}, no last step. */
  public static StageResult run(
      Stage stage, StageInput input, AttemptContext context, AttemptDirs.Attempt dirs)
      throws Exception {
    return run(stage, input, context, dirs, result -> result);
  }

  /**
   * Runs the attempt; see the class comment. The caller closes {@code dirs} afterwards.
   *
   * @return the stage's result with the passed-through artifacts appended, after {@code finish}
   * @throws Exception whatever the stage (or {@code finish}) threw, after the clean-up
   */
  public static StageResult run(
      Stage stage,
      StageInput input,
      AttemptContext context,
      AttemptDirs.Attempt dirs,
      Finish finish)
      throws Exception {
    List<Artifact> consumed = new ArrayList<>();
    List<Artifact> passed = new ArrayList<>();
    for (Artifact artifact : input.artifacts()) {
      (stage.consumes(artifact) ? consumed : passed).add(artifact);
    }
    try {
      StageResult result = stage.run(new StageInput(consumed, input.config()), context);
      if (result == null) {
        throw new IllegalStateException("stage " + stage.type() + " returned no result");
      }
      result = finish.apply(passThrough(result, passed));
      dirs.succeeded();
      return result;
    } catch (Throwable t) {
      dirs.failed(StageFailures.classify(t, context.sessionDir()).keepsResumeFiles());
      throw t;
    }
  }

  private static StageResult passThrough(StageResult result, List<Artifact> passed) {
    if (passed.isEmpty()) return result;
    List<Artifact> outputs = new ArrayList<>(result.outputs());
    outputs.addAll(passed);
    return new StageResult(
        outputs, result.metrics(), result.outputUris(), result.manifest(), result.sourceVersion());
  }
}
