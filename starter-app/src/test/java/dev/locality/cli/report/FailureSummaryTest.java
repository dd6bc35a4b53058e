package dev.locality.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import org.junit.jupiter.api.Test;

class FailureSummaryTest {
  @Test
  void theDeepestApplicationFailureGivesMessageAndType() {
    ApplicationFailure stage =
        ApplicationFailure.newNonRetryableFailure("row 7: 'abc' is not a number", "BadInput");
    ActivityFailure activity =
        new ActivityFailure(
            "activity failed",
            5,
            6,
            "transform-csv",
            "7",
            RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE,
            "worker-b",
            stage);
    ApplicationFailure workflow =
        ApplicationFailure.newNonRetryableFailureWithCause(
            "stage 2 (transform-csv) failed", "BadInput", activity);

    FailureSummary summary = FailureSummary.of(workflow);

    assertThat(summary.message()).isEqualTo("row 7: 'abc' is not a number");
    assertThat(summary.type()).isEqualTo("BadInput");
    assertThat(summary.chain())
        .containsExactly(
            "application failure (BadInput, non-retryable): stage 2 (transform-csv) failed",
            "stage activity 'transform-csv' failed (retry state"
                + " RETRY_STATE_NON_RETRYABLE_FAILURE)",
            "application failure (BadInput, non-retryable): row 7: 'abc' is not a number");
  }

  @Test
  void theWorkflowsClassificationIsTheTypeAndRepeatedMessagesAreDropped() {
    ApplicationFailure wrapped =
        ApplicationFailure.newFailure("SHA-256 mismatch", "dev.locality.stage.BadInputException");
    ApplicationFailure stage =
        ApplicationFailure.newNonRetryableFailureWithCause("SHA-256 mismatch", "BadInput", wrapped);
    ApplicationFailure workflow =
        ApplicationFailure.newNonRetryableFailureWithCause(
            "stage 0 (download): SHA-256 mismatch", "WorkerAttemptsExhausted", stage);

    FailureSummary summary = FailureSummary.of(workflow);

    assertThat(summary.message()).isEqualTo("SHA-256 mismatch");
    assertThat(summary.type()).isEqualTo("WorkerAttemptsExhausted");
    assertThat(summary.chain())
        .containsExactly(
            "application failure (WorkerAttemptsExhausted, non-retryable): stage 0 (download):"
                + " SHA-256 mismatch",
            "application failure (BadInput, non-retryable): SHA-256 mismatch");
  }

  @Test
  void withoutAnApplicationFailureTheDeepestFailureSpeaks() {
    TimeoutFailure timeout =
        new TimeoutFailure("workflow timed out", null, TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);

    FailureSummary summary = FailureSummary.of(timeout);

    assertThat(summary.message()).isEqualTo("workflow timed out");
    assertThat(summary.type()).isEqualTo("TimeoutFailure");
    assertThat(summary.chain()).hasSize(1);
  }
}
