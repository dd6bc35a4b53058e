package dev.locality.cli.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.StageRun;
import java.util.List;

/**
 * Renders a {@link PipelineReport} as one JSON object (one line), the {@code --json} output of
 * {@code run} and {@code status}. Shape:
 *
 * <pre>{@code
 * { "workflowId", "runId", "status",            // always
 *   "name", "workerId", "taskQueue",             // PipelineResult fields (null until completed)
 *   "state",                                     // live state from the status query, or null
 *   "stages": [ StageRun fields + "durationMillis" ],
 *   "sessions": [ SessionRecord fields ], "failovers": <failed sessions followed by another>,
 *   "outputUris": [ ... ],
 *   "failure": null | { "message", "type", "chain": [ ... ] },
 *   "pendingStages": [ PendingStage fields ] }
 * }</pre>
 *
 * Field names are a contract for scripts; add fields, never rename them. Thread-safe.
 */
public final class JsonReport {
  private final ObjectMapper mapper = new ObjectMapper();

  /** The report as a JSON tree. */
  public ObjectNode toTree(PipelineReport report) {
    ObjectNode root = mapper.createObjectNode();
    root.put("workflowId", report.workflowId());
    root.put("runId", report.runId());
    root.put("status", report.status());
    PipelineResult result = report.result();
    root.put("name", result == null ? null : result.name());
    root.put("workerId", result == null ? null : result.workerId());
    root.put("taskQueue", result == null ? null : result.taskQueue());
    root.put("state", report.live() == null ? null : report.live().state());
    ArrayNode stages = root.putArray("stages");
    for (StageRun stage : report.stages()) {
      ObjectNode node = mapper.valueToTree(stage);
      node.put("durationMillis", PipelineReport.durationMillis(stage));
      stages.add(node);
    }
    root.set("sessions", mapper.valueToTree(report.sessions()));
    root.put("failovers", report.failovers());
    root.set("outputUris", mapper.valueToTree(report.outputUris()));
    root.set("failure", mapper.valueToTree(report.failure()));
    root.set("pendingStages", mapper.valueToTree(report.pending()));
    root.set(
        "checkpoints",
        mapper.valueToTree(
            result == null || result.checkpoints() == null ? List.of() : result.checkpoints()));
    return root;
  }

  /** The report as one line of JSON (no trailing newline). */
  public String toJson(PipelineReport report) {
    return write(toTree(report));
  }

  /** One line of JSON for any tree. */
  public String write(Object tree) {
    try {
      return mapper.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render JSON", e);
    }
  }

  public ObjectMapper mapper() {
    return mapper;
  }
}
