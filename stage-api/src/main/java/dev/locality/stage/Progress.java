package dev.locality.stage;

/**
 * Heartbeat payload of a running stage: how far it is. Also the resume point a retried attempt
 * reads back through {@link StageContext#previousProgress()}.
 *
 * @param done units done so far
 * @param total total units, or -1 when unknown
 * @param unit {@code bytes} or {@code rows}
 */
public record Progress(long done, long total, String unit) {
  public static Progress bytes(long done, long total) {
    return new Progress(done, total, "bytes");
  }

  public static Progress rows(long done) {
    return new Progress(done, -1, "rows");
  }
}
