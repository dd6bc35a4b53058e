package dev.locality.api.checkpoint;

import dev.locality.stage.PipelineInfo;

/**
 * The object layout of checkpoints under a store:
 *
 * <pre>
 * &lt;store&gt;/&lt;workflowId&gt;/&lt;runId&gt;/                         one pipeline run (deleted together)
 *   &lt;index&gt;-&lt;type&gt;/&lt;sessionId&gt;/files/&lt;output path&gt;    the stage's output files
 *   &lt;index&gt;-&lt;type&gt;/&lt;sessionId&gt;/manifest.json         written last: the commit point
 * </pre>
 *
 * Keyed by run, stage and session, so two runs (or two sessions of one run) never write the same
 * object. Pure string functions: also used by workflow code.
 */
public final class CheckpointLayout {
  public static final String MANIFEST = "manifest.json";
  public static final String FILES = "files/";

  private CheckpointLayout() {}

  public static String runPrefix(PipelineInfo pipeline) {
    return segment(pipeline.workflowId()) + "/" + segment(pipeline.runId()) + "/";
  }

  public static String checkpoint(
      PipelineInfo pipeline, int stageIndex, String type, String sessionId) {
    return runPrefix(pipeline) + stageIndex + "-" + segment(type) + "/" + segment(sessionId) + "/";
  }

  /** A key segment that cannot leave its place: no '/', no leading dot. */
  public static String segment(String value) {
    String s = String.valueOf(value).replaceAll("[^A-Za-z0-9._=-]", "_");
    return s.startsWith(".") ? "_" + s.substring(1) : s;
  }
}
