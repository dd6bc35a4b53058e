package dev.locality.workflows.internal;

import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.StageSpec;
import dev.locality.api.workflow.PipelineState;
import dev.locality.api.workflow.PipelineStateActivities;
import dev.locality.workflows.session.WorkerSession;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Incremental runs in the pipeline workflow: for a spec with a stage that has {@code ifChanged:
 * true}, reads the last successful run's {@link PipelineState} of the spec's name before the stages
 * (through {@link PipelineStateActivities} on the session's worker), hands each such stage its last
 * source version as option {@value #LAST_SOURCE_VERSION}, collects the versions the stages report,
 * and records them after the last stage succeeded. A stage that reports the version it was given
 * and no outputs ends the run as SKIPPED_UNCHANGED ({@link #unchanged}).
 *
 * <p>Deterministic: everything it decides comes from the spec and activity results. Workflows that
 * started before this existed never reach it ({@link #VERSION_CHANGE} is checked only for specs
 * that use {@code ifChanged}, which older workers refused as an unknown option). Not thread-safe
 * (workflow code).
 */
public final class IncrementalRuns {
  /** The {@code Workflow.getVersion} change id. */
  public static final String VERSION_CHANGE = "incremental-runs";

  /** The stage option that asks for incremental behaviour. */
  public static final String IF_CHANGED = "ifChanged";

  /** The option the workflow adds to such a stage: the version the last successful run saw. */
  public static final String LAST_SOURCE_VERSION = "lastSourceVersion";

  private static final ActivityOptions STATE_OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setScheduleToStartTimeout(Duration.ofSeconds(60))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setMaximumAttempts(5)
                  .setInitialInterval(Duration.ofSeconds(1))
                  .build())
          .build();

  private final PipelineSpec spec;
  private final boolean enabled;
  private PipelineState last;
  private final Map<String, String> seen = new LinkedHashMap<>();

  private IncrementalRuns(PipelineSpec spec, boolean enabled) {
    this.spec = spec;
    this.enabled = enabled;
  }

  /** For {@code spec}: active only when a stage asks for {@code ifChanged} (and on new runs). */
  public static IncrementalRuns of(PipelineSpec spec) {
    boolean asked = spec.stages().stream().anyMatch(IncrementalRuns::asks);
    boolean enabled =
        asked && Workflow.getVersion(VERSION_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;
    return new IncrementalRuns(spec, enabled);
  }

  private static boolean asks(StageSpec stage) {
    Object value = stage.options() == null ? null : stage.options().get(IF_CHANGED);
    return Boolean.TRUE.equals(value) || "true".equalsIgnoreCase(String.valueOf(value));
  }

  /** Reads the last successful run's state through {@code session}'s worker. */
  public void start(WorkerSession session) {
    seen.clear();
    if (!enabled) return;
    PipelineStateActivities state =
        session.newActivityStub(PipelineStateActivities.class, STATE_OPTIONS);
    last =
        session.execute(
            "reading the last state of pipeline " + spec.name(),
            () -> io.temporal.workflow.Async.function(state::last, spec.name()));
  }

  /** Stage {@code index} as it is run: with its last source version when it asks for one. */
  public StageSpec prepare(int index, StageSpec stage) {
    if (!enabled || !asks(stage)) return stage;
    Map<String, Object> options = new LinkedHashMap<>(stage.options());
    String version = last == null ? null : last.versionOf(index);
    if (version != null) options.put(LAST_SOURCE_VERSION, version);
    else options.remove(LAST_SOURCE_VERSION);
    return new StageSpec(stage.type(), options, stage.timeouts(), stage.maxAttempts());
  }

  /**
   * Notes the version stage {@code index} reported; true when it is the one the last successful run
   * saw and the stage produced nothing: the run ends as SKIPPED_UNCHANGED.
   */
  public boolean unchanged(int index, StageSpec stage, String version, int outputs) {
    if (!enabled || version == null) return false;
    seen.put(String.valueOf(index), version);
    return asks(stage) && outputs == 0 && last != null && version.equals(last.versionOf(index));
  }

  /** Records the versions of a run whose stages all succeeded. */
  public void recordSuccess(WorkerSession session) {
    if (!enabled || seen.isEmpty()) return;
    PipelineState state =
        new PipelineState(
            spec.name(),
            seen,
            Workflow.getInfo().getWorkflowId(),
            Workflow.getInfo().getRunId(),
            Workflow.currentTimeMillis());
    PipelineStateActivities activities =
        session.newActivityStub(PipelineStateActivities.class, STATE_OPTIONS);
    session.execute(
        "recording the state of pipeline " + spec.name(),
        () -> io.temporal.workflow.Async.procedure(activities::record, state));
  }
}
