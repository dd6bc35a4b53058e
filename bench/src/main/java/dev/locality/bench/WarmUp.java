package dev.locality.bench;

import static dev.locality.bench.Json.JSON;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.SpecDocument;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Small pipelines on freshly started workers before the measured one, so that the measured pipeline
 * sees running workers (as in production) rather than the JVM's first workflow task and first class
 * loading. {@code --no-warm-up} turns it off.
 */
final class WarmUp {
  private WarmUp() {}

  /**
   * {@code n} small pipelines started at the same moment (through the client, no CLI start-up in
   * between), so that with one session per worker each of n workers runs one. Returns their wall
   * times and the workers that ran them; an empty object without warm-up.
   */
  static ObjectNode run(BenchContext ctx, String queue, Path outDir, int n) throws Exception {
    if (!ctx.options.warmUp) return JSON.createObjectNode();
    PipelineSpec spec =
        ctx.specs.writeAndParse("bench-warm-up", ctx.origin.url(ctx.smallDataFile()), outDir);
    List<String> ids = new ArrayList<>();
    List<PipelineWorkflow> stubsToAwait = new ArrayList<>();
    WorkflowClient client = ctx.temporal.client;
    for (int i = 0; i < n; i++) {
      String id = "bench-warm-up-" + System.nanoTime();
      PipelineWorkflow wf =
          client.newWorkflowStub(
              PipelineWorkflow.class,
              WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(queue).build());
      WorkflowClient.start(wf::run, SpecDocument.of(spec));
      ids.add(id);
      stubsToAwait.add(wf);
    }
    ObjectNode out = JSON.createObjectNode();
    ArrayNode walls = out.putArray("wallMillis");
    ArrayNode workersUsed = out.putArray("workers");
    for (PipelineWorkflow wf : stubsToAwait) {
      PipelineResult result = WorkflowStub.fromTyped(wf).getResult(PipelineResult.class);
      workersUsed.add(result.workerId());
    }
    for (String id : ids) walls.add(ctx.temporal.history(id).get("wallMillis").asLong());
    return out;
  }

  /** One warm-up pipeline (one worker). */
  static ObjectNode run(BenchContext ctx, String queue, Path outDir) throws Exception {
    return run(ctx, queue, outDir, 1);
  }
}
