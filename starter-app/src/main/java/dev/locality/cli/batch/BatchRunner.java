package dev.locality.cli.batch;

import dev.locality.api.spec.InvalidSpecException;
import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.workflow.StageRun;
import dev.locality.cli.inspect.PipelineInspector;
import dev.locality.cli.report.PipelineReport;
import dev.locality.cli.spec.SpecHash;
import dev.locality.cli.start.PipelineStarter;
import dev.locality.cli.start.SpecConflictException;
import dev.locality.stage.RedactedUrl;
import dev.locality.stage.StageMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs one pipeline per input with at most {@code parallel} runs in flight, each started
 * idempotently under {@link BatchIds#of} (input and spec hash, {@link PipelineStarter}): an input
 * whose run of the same spec completed before is reported SKIPPED ("already completed under the
 * same spec") without starting anything, one whose run is still running is waited for, one whose
 * run failed is started again. After the spec changed, every input gets a new id and runs again:
 * none is skipped for a run of the old spec. An id held by a run of another spec or without a spec
 * hash (possible only if another client chose it) is reported SPEC_CONFLICT. Returns one {@link
 * BatchRun} per input, in input order. Progress lines go to {@code progress} (called from worker
 * threads, one line at a time).
 */
public final class BatchRunner {
  private final Function<String, PipelineSpec> specForInput;
  private final SpecHash specHash;
  private final PipelineStarter starter;
  private final PipelineInspector inspector;
  private final int parallel;
  private final Consumer<String> progress;

  /**
   * @param specForInput the validated spec with the input substituted; throws {@link
   *     InvalidSpecException} when that input makes it invalid
   * @param specHash hashes each input's resolved spec (with the registry the spec was loaded with)
   */
  public BatchRunner(
      Function<String, PipelineSpec> specForInput,
      SpecHash specHash,
      PipelineStarter starter,
      PipelineInspector inspector,
      int parallel,
      Consumer<String> progress) {
    this.specForInput = specForInput;
    this.specHash = specHash;
    this.starter = starter;
    this.inspector = inspector;
    this.parallel = parallel;
    this.progress = progress;
  }

  public List<BatchRun> run(List<String> inputs) throws InterruptedException {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(parallel, inputs.size())),
            r -> {
              Thread t = new Thread(r, "locality-batch");
              t.setDaemon(true);
              return t;
            });
    AtomicInteger done = new AtomicInteger();
    try {
      List<Future<BatchRun>> futures = new ArrayList<>();
      for (String input : inputs) {
        futures.add(
            pool.submit(
                () -> {
                  BatchRun run = runOne(input);
                  progress.accept(
                      "["
                          + done.incrementAndGet()
                          + "/"
                          + inputs.size()
                          + "] "
                          + run.result()
                          + "  "
                          + run.workflowId()
                          + "  "
                          + input
                          + (run.message() == null ? "" : "  " + run.message()));
                  return run;
                }));
      }
      List<BatchRun> runs = new ArrayList<>();
      for (Future<BatchRun> future : futures) {
        try {
          runs.add(future.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("batch run failed unexpectedly", e.getCause());
        }
      }
      return runs;
    } finally {
      pool.shutdownNow();
    }
  }

  private BatchRun runOne(String input) {
    PipelineSpec spec;
    try {
      spec = specForInput.apply(input);
    } catch (InvalidSpecException e) {
      String message = e.problems().isEmpty() ? e.getMessage() : e.problems().get(0).toString();
      return new BatchRun(input, null, null, null, BatchRun.INVALID, -1, -1, List.of(), message);
    }
    String sha256 = specHash.of(spec);
    String shortSha = SpecHash.shortForm(sha256);
    String id = BatchIds.of(spec.name(), input, sha256);
    PipelineStarter.Started started;
    try {
      started =
          starter.start(
              spec, sha256, id, Map.of(PipelineStarter.MEMO_INPUT, RedactedUrl.of(input)));
    } catch (SpecConflictException e) {
      return new BatchRun(
          input, id, e.runId(), sha256, BatchRun.SPEC_CONFLICT, -1, -1, List.of(), e.getMessage());
    }
    if (started.outcome() == PipelineStarter.Outcome.ALREADY_COMPLETED) {
      PipelineInspector.LiveRead read = inspector.readLive(id, started.runId());
      return toRun(
          input,
          read,
          sha256,
          BatchRun.SKIPPED,
          "already completed under the same spec " + shortSha + ": not run again");
    }
    if (started.outcome() == PipelineStarter.Outcome.STARTED) {
      progress.accept("started  " + id + "  " + input);
    } else {
      progress.accept(
          "attached  " + id + " (already running, same spec " + shortSha + ")  " + input);
    }
    inspector.awaitEnd(id, started.runId());
    PipelineInspector.LiveRead read = inspector.readLive(id, started.runId());
    PipelineReport report = read.report();
    return toRun(
        input,
        read,
        sha256,
        report.status(),
        report.failure() == null ? null : report.failure().message());
  }

  private static BatchRun toRun(
      String input,
      PipelineInspector.LiveRead read,
      String specSha256,
      String result,
      String message) {
    PipelineReport report = read.report();
    long duration =
        read.startedAtMillis() > 0 && read.closedAtMillis() > 0
            ? read.closedAtMillis() - read.startedAtMillis()
            : -1;
    return new BatchRun(
        input,
        report.workflowId(),
        report.runId(),
        specSha256,
        result,
        duration,
        rowsOut(report.stages()),
        report.outputUris(),
        message);
  }

  private static long rowsOut(List<StageRun> stages) {
    long rows = -1;
    for (StageRun stage : stages) {
      StageMetrics m = stage.metrics();
      if (m != null && m.rowsOut() >= 0) rows = m.rowsOut();
    }
    return rows;
  }
}
