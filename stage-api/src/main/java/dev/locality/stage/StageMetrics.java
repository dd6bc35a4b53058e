package dev.locality.stage;

/**
 * What a stage moved. Row counts are -1 for stages that do not read rows. For CSV stages the
 * invariant {@code rowsIn == rowsOut + rowsFiltered + rowsRejected} holds.
 */
public record StageMetrics(
    long bytesIn, long bytesOut, long rowsIn, long rowsOut, long rowsFiltered, long rowsRejected) {

  public static StageMetrics bytes(long in, long out) {
    return new StageMetrics(in, out, -1, -1, -1, -1);
  }
}
