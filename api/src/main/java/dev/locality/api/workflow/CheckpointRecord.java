package dev.locality.api.workflow;

/**
 * One event of a stage checkpoint in a pipeline run, for the result and the summary.
 *
 * @param stageIndex the checkpointed stage
 * @param stageType its type
 * @param event {@value #SAVED}, {@value #FAILED} (the save failed: a failover redoes the stage from
 *     the origin), {@value #ABANDONED} (the session was lost or the pipeline ended before the save
 *     finished), {@value #RESTORED} (a failover continued from it) or {@value #UNUSABLE} (a
 *     failover found it missing, partial or corrupt and redid the stages from the origin)
 * @param sessionId the session that saved it ({@value #SAVED}, {@value #FAILED}, {@value
 *     #ABANDONED}) or restored it
 * @param location where it is in the store (its key prefix as a URL); null when it was not saved
 * @param bytes the bytes saved or restored; 0 otherwise
 * @param message why it failed or was unusable; null otherwise
 */
public record CheckpointRecord(
    int stageIndex,
    String stageType,
    String event,
    String sessionId,
    String location,
    long bytes,
    String message) {
  public static final String SAVED = "SAVED";
  public static final String FAILED = "FAILED";
  public static final String ABANDONED = "ABANDONED";
  public static final String RESTORED = "RESTORED";
  public static final String UNUSABLE = "UNUSABLE";
}
