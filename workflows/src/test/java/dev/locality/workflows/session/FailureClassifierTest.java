package dev.locality.workflows.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.api.workflow.Failures;
import dev.locality.workflows.session.FailureClassifier.Kind;
import dev.locality.workflows.session.FailureClassifier.Verdict;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TimeoutFailure;
import org.junit.jupiter.api.Test;

class FailureClassifierTest {
  private static final String STEP = "stage 2 (transform-csv)";

  private static ActivityFailure activity(RetryState retryState, Throwable cause) {
    return new ActivityFailure(
        "activity failed", 5, 6, "transform-csv", "a-1", retryState, "worker", cause);
  }

  private static ActivityFailure timeout(TimeoutType type) {
    return activity(RetryState.RETRY_STATE_TIMEOUT, new TimeoutFailure("timed out", null, type));
  }

  @Test
  void stageTimeoutsAreSessionFailuresThatNameTheTimeout() {
    assertThat(FailureClassifier.activityFailed(STEP, timeout(TimeoutType.TIMEOUT_TYPE_HEARTBEAT)))
        .isEqualTo(Verdict.workerLost(STEP + " timed out (heartbeat: it stopped heartbeating)"));
    assertThat(
            FailureClassifier.activityFailed(
                STEP, timeout(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START)))
        .isEqualTo(
            Verdict.workerLost(
                STEP + " timed out (schedule-to-start: the worker did not pick it up)"));
    assertThat(
            FailureClassifier.activityFailed(
                STEP, timeout(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE)))
        .isEqualTo(Verdict.session(STEP + " timed out (start-to-close)"));
  }

  @Test
  void sessionLostAndWorkerShutdownFromAStageAreSessionFailures() {
    ActivityFailure lost =
        activity(
            RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
            ApplicationFailure.newFailure("no such session dir", Failures.SESSION_LOST));
    ActivityFailure shutdown =
        activity(
            RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
            ApplicationFailure.newNonRetryableFailure("draining", Failures.WORKER_SHUTDOWN));

    assertThat(FailureClassifier.activityFailed(STEP, lost).kind()).isEqualTo(Kind.SESSION);
    assertThat(FailureClassifier.activityFailed(STEP, lost).workerLost()).isTrue();
    assertThat(FailureClassifier.activityFailed(STEP, shutdown))
        .isEqualTo(Verdict.workerLost(STEP + ": worker shut down (draining)"));
  }

  @Test
  void onlyAGoneWorkerCountsAsLostNotOneThatFailedTheWork() {
    ActivityFailure fenced =
        activity(
            RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
            ApplicationFailure.newNonRetryableFailure(
                "session s1 is no longer held by worker w1 (fenced)", Failures.SESSION_LOST));
    ActivityFailure oom =
        activity(
            RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
            ApplicationFailure.newNonRetryableFailure("out of memory", Failures.WORKER_RESOURCES));
    ActivityFailure exhausted =
        activity(
            RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED,
            ApplicationFailure.newFailure("disk full", "java.io.IOException"));

    assertThat(FailureClassifier.activityFailed(STEP, fenced).workerLost()).isTrue();
    assertThat(FailureClassifier.activityFailed(STEP, oom).workerLost()).isFalse();
    assertThat(FailureClassifier.activityFailed(STEP, exhausted).workerLost()).isFalse();
    assertThat(
            FailureClassifier.activityFailed(STEP, timeout(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE))
                .workerLost())
        .isFalse();
  }

  @Test
  void nonRetryableApplicationFailuresAreBadInputKeepingTheirType() {
    ActivityFailure badInput =
        activity(
            RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
            ApplicationFailure.newNonRetryableFailure("404 Not Found", Failures.BAD_INPUT));
    ActivityFailure otherNonRetryable =
        activity(
            RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
            ApplicationFailure.newNonRetryableFailure("nope", "IllegalArgumentException"));
    ActivityFailure badInputNotFlagged = // retryable flag, but BAD_INPUT is in doNotRetry
        activity(
            RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
            ApplicationFailure.newFailure("corrupt gzip", Failures.BAD_INPUT));

    assertThat(FailureClassifier.activityFailed(STEP, badInput))
        .isEqualTo(Verdict.badInput(STEP + ": 404 Not Found", Failures.BAD_INPUT));
    assertThat(FailureClassifier.activityFailed(STEP, otherNonRetryable))
        .isEqualTo(Verdict.badInput(STEP + ": nope", "IllegalArgumentException"));
    assertThat(FailureClassifier.activityFailed(STEP, badInputNotFlagged).kind())
        .isEqualTo(Kind.BAD_INPUT);
  }

  @Test
  void exhaustedInPlaceRetriesAreASessionFailure() {
    ActivityFailure exhausted =
        activity(
            RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED,
            ApplicationFailure.newFailure("disk full", "java.io.IOException"));

    assertThat(FailureClassifier.activityFailed(STEP, exhausted))
        .isEqualTo(Verdict.session(STEP + " failed, retries on this worker exhausted: disk full"));
  }

  @Test
  void workerResourcesFailOverAtOnceAndAreNeverBadInput() {
    ActivityFailure oom =
        activity(
            RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
            ApplicationFailure.newNonRetryableFailure(
                "the worker ran out of memory (Java heap space)", Failures.WORKER_RESOURCES));

    assertThat(FailureClassifier.activityFailed(STEP, oom))
        .isEqualTo(
            Verdict.session(
                STEP
                    + ": the worker lacks resources, not retried there (the worker ran out of"
                    + " memory (Java heap space))"));
  }

  @Test
  void aFullDiskCountsAgainstTheSessionOnceItsInPlaceRetriesAreExhausted() {
    ActivityFailure diskFull =
        activity(
            RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED,
            ApplicationFailure.newFailure(
                "disk full on the worker: /w/s/1-x/attempt-3/out: No space left on device",
                "DiskFull"));

    assertThat(FailureClassifier.activityFailed(STEP, diskFull).kind()).isEqualTo(Kind.SESSION);
  }

  @Test
  void aCancelledActivityIsNotJudged() {
    ActivityFailure cancelled =
        activity(RetryState.RETRY_STATE_UNSPECIFIED, new CanceledFailure("cancelled"));

    assertThat(FailureClassifier.activityFailed(STEP, cancelled).kind()).isEqualTo(Kind.OTHER);
    assertThat(FailureClassifier.isCancellation(cancelled)).isTrue();
  }

  @Test
  void explainsWhyALeaseEnded() {
    assertThat(FailureClassifier.leaseEnded(timeout(TimeoutType.TIMEOUT_TYPE_HEARTBEAT)))
        .isEqualTo("worker lost (session lease heartbeat timeout)");
    assertThat(
            FailureClassifier.leaseEnded(
                activity(
                    RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
                    ApplicationFailure.newNonRetryableFailure(
                        "drain timeout 30s passed", Failures.WORKER_SHUTDOWN))))
        .isEqualTo("worker shut down (drain timeout 30s passed)");
    assertThat(FailureClassifier.leaseEnded(null))
        .isEqualTo("session lease ended without being closed");
  }

  @Test
  void recognisesDeclinesAndMissingWorkers() {
    ActivityFailure declined =
        activity(
            RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED,
            ApplicationFailure.newFailure("avoid me", FailureClassifier.LEASE_DECLINED));

    assertThat(FailureClassifier.isDeclined(declined)).isTrue();
    assertThat(FailureClassifier.isDeclined(timeout(TimeoutType.TIMEOUT_TYPE_HEARTBEAT))).isFalse();
    assertThat(
            FailureClassifier.isScheduleToStartTimeout(
                timeout(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START)))
        .isTrue();
    assertThat(FailureClassifier.isScheduleToStartTimeout(declined)).isFalse();
  }
}
