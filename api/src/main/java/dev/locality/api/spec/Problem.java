package dev.locality.api.spec;

import dev.locality.stage.RedactedUrl;

/**
 * One thing wrong with a spec or a stage's configuration.
 *
 * @param stageIndex 0-based stage index, or -1 when the problem is not inside a stage
 * @param stageType the stage's type when known, else null
 * @param key the offending key (dotted path inside the stage, or a top-level key)
 * @param message what is wrong and, where possible, what would be right; every URL in it is
 *     {@linkplain RedactedUrl#inText redacted} (no userinfo, query or fragment), since problems are
 *     printed by the CLI and become the workflow's failure message in Temporal history
 */
public record Problem(int stageIndex, String stageType, String key, String message) {
  public Problem {
    message = RedactedUrl.inText(message);
  }

  public static Problem global(String key, String message) {
    return new Problem(-1, null, key, message);
  }

  public static Problem stage(int index, String type, String key, String message) {
    return new Problem(index, type, key, message);
  }

  /** Where the problem is: {@code stages[2] (transform-csv).filter} or {@code session.x}. */
  public String location() {
    if (stageIndex < 0) return key;
    String base = "stages[" + stageIndex + "]" + (stageType == null ? "" : " (" + stageType + ")");
    return key == null || key.isEmpty() ? base : base + "." + key;
  }

  @Override
  public String toString() {
    return location() + ": " + message;
  }
}
