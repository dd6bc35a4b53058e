package dev.locality.cli;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.random.RandomGenerator;

/**
 * Generates pipeline workflow ids of the form {@code <name>-<yyyyMMdd-HHmmss>-<4 hex>}, for example
 * {@code sales-daily-20261125-101500-3fa2}: readable, sortable by start time within a pipeline, and
 * unlikely to collide when the same pipeline starts twice in one second. Thread-safe when the
 * random generator is.
 */
public final class WorkflowIds {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private final Clock clock;
  private final RandomGenerator random;

  public WorkflowIds(Clock clock, RandomGenerator random) {
    this.clock = clock;
    this.random = random;
  }

  /** Uses the system clock in the local time zone and a thread-safe random source. */
  public static WorkflowIds system() {
    return new WorkflowIds(Clock.systemDefaultZone(), new java.security.SecureRandom());
  }

  /** A new id for a run of the pipeline called {@code pipelineName}. */
  public String next(String pipelineName) {
    String stamp = LocalDateTime.now(clock).format(STAMP);
    return pipelineName + "-" + stamp + "-" + String.format("%04x", random.nextInt(0x10000));
  }
}
