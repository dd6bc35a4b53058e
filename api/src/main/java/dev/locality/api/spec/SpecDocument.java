package dev.locality.api.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.locality.api.session.Pools;
import dev.locality.stage.Durations;

/**
 * The spec document: a pipeline spec in the form the README documents (and a YAML file holds),
 * which is the pipeline workflow's input. Converts between it and the validated {@link
 * PipelineSpec}. Stateless and thread-safe.
 */
public final class SpecDocument {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SpecDocument() {}

  /**
   * The document of a validated spec, with every default written out (durations in the short
   * notation, stage options beside {@code type}); {@link SpecParser#fromTree} reads it back to an
   * equal spec.
   */
  public static JsonNode of(PipelineSpec spec) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("name", spec.name());
    SessionSpec session = spec.session() == null ? SessionSpec.DEFAULTS : spec.session();
    ObjectNode s = doc.putObject("session");
    s.put("heartbeatTimeout", Durations.format(session.heartbeatTimeout()));
    s.put("creationTimeout", Durations.format(session.creationTimeout()));
    s.put("maxWorkerAttempts", session.maxWorkerAttempts());
    s.put("failoverBackoff", Durations.format(session.failoverBackoff()));
    // the default pool is left out: the document (and its hash) is the same as before pools
    // existed, and workers that predate pools accept it
    if (!session.poolName().equals(Pools.DEFAULT)) s.put("pool", session.pool());
    if (session.reattachWindow().compareTo(java.time.Duration.ZERO) > 0)
      s.put("reattachTimeout", Durations.format(session.reattachWindow()));
    // checkpoints are written per stage (what session.checkpointAfter expanded to), and only when
    // there are any: a document without them is the same as before checkpoints existed
    CheckpointSpec checkpoints = session.checkpointPlan();
    if (checkpoints.keep()) s.put(CheckpointSpecParser.SESSION_KEEP, true);
    // left out unless given, so documents (and their hashes) stay as before delay scheduling
    if (session.localityWait() != null)
      s.put("localityWait", Durations.format(session.localityWait()));
    ArrayNode stages = doc.putArray("stages");
    for (int i = 0; i < spec.stages().size(); i++) {
      StageSpec stage = spec.stages().get(i);
      ObjectNode st = stages.addObject();
      st.put("type", stage.type());
      if (stage.options() != null)
        stage.options().forEach((k, v) -> st.set(k, JSON.valueToTree(v)));
      StageTimeouts t = stage.timeouts() == null ? StageTimeouts.DEFAULTS : stage.timeouts();
      ObjectNode timeouts = st.putObject("timeouts");
      timeouts.put("startToClose", Durations.format(t.startToClose()));
      timeouts.put("heartbeat", Durations.format(t.heartbeat()));
      timeouts.put("scheduleToStart", Durations.format(t.scheduleToStart()));
      st.putObject("retry").put("maxAttempts", stage.maxAttempts());
      if (checkpoints.storeOf(i) != null)
        st.put(CheckpointSpecParser.STAGE_KEY, checkpoints.storeOf(i));
    }
    return doc;
  }

  /**
   * The document as plain Java values (maps, lists, strings, numbers, booleans, null), the tree
   * {@link SpecParser#fromTree} reads. A null or JSON-null document becomes null.
   */
  public static Object toTree(JsonNode document) {
    if (document == null || document.isNull() || document.isMissingNode()) return null;
    return JSON.convertValue(document, Object.class);
  }
}
