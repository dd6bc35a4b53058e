package dev.locality.workflows.session;

import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.SessionSpec;
import dev.locality.api.spec.StageSpec;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How {@link Failover} retries a body on other workers: how many sessions at most, the pause
 * between them (and when it is skipped), and how each session is opened. Immutable.
 */
public final class FailoverPolicy {
  private final int maxWorkerAttempts;
  private final Duration backoff;
  private final SessionOptions session;

  private FailoverPolicy(int maxWorkerAttempts, Duration backoff, SessionOptions session) {
    if (maxWorkerAttempts < 1) {
      throw new IllegalArgumentException(
          "maxWorkerAttempts must be >= 1, was " + maxWorkerAttempts);
    }
    Objects.requireNonNull(backoff, "backoff");
    if (backoff.isNegative()) throw new IllegalArgumentException("backoff must be >= 0");
    this.maxWorkerAttempts = maxWorkerAttempts;
    this.backoff = backoff;
    this.session = Objects.requireNonNull(session, "session");
  }

  /**
   * @param maxWorkerAttempts sessions tried before giving up (1 = no failover)
   * @param backoff pause after a failed session before opening the next (not after the first failed
   *     session when its worker was lost, see {@link #backsOffAfter})
   * @param session how each session is opened (attempt and avoid list are filled in per attempt)
   */
  public static FailoverPolicy of(int maxWorkerAttempts, Duration backoff, SessionOptions session) {
    return new FailoverPolicy(maxWorkerAttempts, backoff, session);
  }

  /** The policy a pipeline's session spec describes; null fields fall back to the defaults. */
  public static FailoverPolicy from(SessionSpec spec) {
    SessionSpec s = spec == null ? SessionSpec.DEFAULTS : spec;
    int attempts =
        s.maxWorkerAttempts() > 0
            ? s.maxWorkerAttempts()
            : SessionSpec.DEFAULTS.maxWorkerAttempts();
    Duration backoff =
        s.failoverBackoff() != null ? s.failoverBackoff() : SessionSpec.DEFAULTS.failoverBackoff();
    return new FailoverPolicy(attempts, backoff, SessionOptions.from(s));
  }

  /**
   * The policy of {@link #from(SessionSpec)} for {@code spec}'s session, whose sessions go only to
   * workers that have every stage type of the pipeline.
   */
  public static FailoverPolicy forPipeline(PipelineSpec spec) {
    FailoverPolicy policy = from(spec.session());
    List<String> types = spec.stages().stream().map(StageSpec::type).distinct().toList();
    return new FailoverPolicy(
        policy.maxWorkerAttempts,
        policy.backoff,
        policy.session.toBuilder().setStageTypes(types).build());
  }

  public int maxWorkerAttempts() {
    return maxWorkerAttempts;
  }

  /** The pause before the next session; see {@link #backsOffAfter} for when it is skipped. */
  public Duration backoff() {
    return backoff;
  }

  /**
   * Whether to wait {@link #backoff()} before the next session once {@code failedSessions} sessions
   * failed: always, except after the first failed session when its worker was lost (it died, was
   * cut off, shut down or lost the session). Detection of a lost worker already took a heartbeat
   * timeout, and the next session goes to another worker, so waiting only delays the pipeline; a
   * second failure, or a worker that is alive but failed the work, keeps the backoff so that a
   * pipeline that keeps failing does not hammer the fleet.
   *
   * @param failedSessions sessions failed so far, the one just failed included (1 = the first)
   * @param workerLost the session just failed because its worker was lost
   */
  public boolean backsOffAfter(int failedSessions, boolean workerLost) {
    return failedSessions > 1 || !workerLost;
  }

  public SessionOptions session() {
    return session;
  }
}
