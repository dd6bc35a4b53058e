package dev.locality.worker;

import dev.locality.api.workflow.Failures;
import dev.locality.stage.StageResult;
import io.temporal.activity.Activity;
import io.temporal.activity.DynamicActivity;
import io.temporal.client.ActivityCompletionException;
import io.temporal.common.converter.EncodedValues;
import io.temporal.failure.ApplicationFailure;

/**
 * The stage dispatcher as the worker registers it: times every stage attempt and counts its bytes
 * and rows by stage type and outcome ({@link WorkerMetrics}), and runs it with the stage's own
 * class loader as the thread's context class loader (a plugin that looks up resources or services
 * through it finds its own jar). A type the catalog does not know is tagged {@code unknown}, so
 * spec input cannot create metric series. Thread-safe.
 */
final class MeteredStages implements DynamicActivity {
  private final DynamicActivity dispatcher;
  private final StageCatalog catalog;
  private final WorkerMetrics metrics;

  MeteredStages(DynamicActivity dispatcher, StageCatalog catalog, WorkerMetrics metrics) {
    this.dispatcher = dispatcher;
    this.catalog = catalog;
    this.metrics = metrics;
  }

  @Override
  public Object execute(EncodedValues args) {
    String type = Activity.getExecutionContext().getInfo().getActivityType();
    ClassLoader stageLoader = catalog.classLoader(type);
    String tag = stageLoader == null ? "unknown" : type;
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    if (stageLoader != null) thread.setContextClassLoader(stageLoader);
    long started = System.nanoTime();
    String outcome = "error";
    StageResult result = null;
    try {
      Object value = dispatcher.execute(args);
      outcome = "success";
      if (value instanceof StageResult r) result = r;
      return value;
    } catch (ApplicationFailure e) {
      if (Failures.BAD_INPUT.equals(e.getType())) outcome = "bad_input";
      else if (Failures.SESSION_LOST.equals(e.getType())) outcome = "session_lost";
      throw e;
    } catch (ActivityCompletionException e) {
      outcome = "cancelled";
      throw e;
    } finally {
      thread.setContextClassLoader(previous);
      metrics.stageFinished(
          tag, outcome, System.nanoTime() - started, result == null ? null : result.metrics());
    }
  }
}
