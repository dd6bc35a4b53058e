package dev.locality.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locality.activities.session.Drain;
import dev.locality.api.session.SessionLeaseActivity;
import dev.locality.api.session.SessionRequest;
import dev.locality.api.workflow.Failures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityNotExistsException;
import io.temporal.client.ActivityWorkerShutdownException;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every {@code reason} of {@code locality_sessions_ended_total} and {@code
 * locality_sessions_declined_total}, including those an end-to-end run cannot force on demand
 * ({@link WorkerMetricsEndToEndTest} covers closed, worker_shutdown and avoided through a real
 * worker): how each way a lease ends is counted.
 */
class MeteredLeaseTest {
  private static final String WORKER = "w-lease";
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final WorkerMetrics metrics = new WorkerMetrics(registry, WORKER);
  private final Drain drain = new Drain();

  private MeteredLease lease(SessionLeaseActivity inner, long freeDisk) {
    DiskGuard disk = new DiskGuard(() -> freeDisk, 100, Duration.ofHours(1), low -> {});
    return new MeteredLease(inner, WORKER, drain, disk, metrics);
  }

  private static SessionRequest request(String... avoid) {
    return new SessionRequest("s1", 1, List.of(avoid));
  }

  private double count(String name, String reason) {
    var counter = registry.find(name).tags("worker_id", WORKER, "reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  private double ended(String reason) {
    return count("locality.sessions.ended", reason);
  }

  private double declined(String reason) {
    return count("locality.sessions.declined", reason);
  }

  @Test
  void eachWayALeaseEndsIsCountedUnderItsReason() {
    lease(r -> {}, 1000).hold(request());
    assertThat(ended("closed")).isEqualTo(1);

    assertThatThrownBy(
            () ->
                lease(
                        r -> {
                          throw new ActivityCanceledException();
                        },
                        1000)
                    .hold(request()))
        .isInstanceOf(ActivityCanceledException.class);
    assertThat(ended("closed")).isEqualTo(2);

    assertThatThrownBy(
            () ->
                lease(
                        r -> {
                          throw new ActivityNotExistsException("gone", null);
                        },
                        1000)
                    .hold(request()))
        .isInstanceOf(ActivityNotExistsException.class);
    assertThat(ended("lost")).isEqualTo(1);

    SessionLeaseActivity shutdown =
        r -> {
          throw new ActivityWorkerShutdownException();
        };
    assertThatThrownBy(() -> lease(shutdown, 1000).hold(request()))
        .isInstanceOf(ActivityWorkerShutdownException.class);
    assertThat(ended("lost")).as("shut down without a drain: lost").isEqualTo(2);

    assertThatThrownBy(
            () ->
                lease(
                        r -> {
                          throw ApplicationFailure.newNonRetryableFailure(
                              "gave up", Failures.WORKER_SHUTDOWN);
                        },
                        1000)
                    .hold(request()))
        .isInstanceOf(ApplicationFailure.class);
    assertThat(ended("worker_shutdown")).isEqualTo(1);

    assertThatThrownBy(
            () ->
                lease(
                        r -> {
                          throw new IllegalStateException("bug");
                        },
                        1000)
                    .hold(request()))
        .isInstanceOf(IllegalStateException.class);
    assertThat(ended("error")).isEqualTo(1);

    drain.begin();
    assertThatThrownBy(() -> lease(shutdown, 1000).hold(request()))
        .isInstanceOf(ActivityWorkerShutdownException.class);
    assertThat(ended("worker_shutdown")).as("shut down while draining").isEqualTo(2);
    assertThat(registry.find("locality.sessions.ended").counters())
        .extracting(c -> c.getId().getTag("reason"))
        .containsExactlyInAnyOrder("closed", "lost", "worker_shutdown", "error");
  }

  @Test
  void eachReasonToDeclineIsCounted() {
    SessionLeaseActivity declining =
        r -> {
          throw ApplicationFailure.newFailure("declined", Failures.LEASE_DECLINED);
        };
    assertThatThrownBy(() -> lease(declining, 1000).hold(request(WORKER)))
        .isInstanceOf(ApplicationFailure.class);
    assertThat(declined("avoided")).isEqualTo(1);
    assertThatThrownBy(() -> lease(declining, 1000).hold(request("someone-else")))
        .isInstanceOf(ApplicationFailure.class);
    assertThat(declined("draining")).isEqualTo(1);

    // below the disk minimum (free 10 < 100) the inner lease is never asked
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      env.registerActivitiesImplementations(
          lease(
              r -> {
                throw new AssertionError("must not be called");
              },
              10));
      SessionLeaseActivity stub = env.newActivityStub(SessionLeaseActivity.class);
      assertThatThrownBy(() -> stub.hold(request()))
          .isInstanceOf(ActivityFailure.class)
          .cause()
          .isInstanceOfSatisfying(
              ApplicationFailure.class,
              f -> assertThat(f.getType()).isEqualTo(Failures.LEASE_DECLINED));
    } finally {
      env.close();
    }
    assertThat(declined("low_disk")).isEqualTo(1);
    assertThat(registry.find("locality.sessions.declined").counters())
        .extracting(c -> c.getId().getTag("reason"))
        .containsExactlyInAnyOrder("avoided", "draining", "low_disk");
    assertThat(registry.find("locality.sessions.ended").counters()).isEmpty();
  }
}
