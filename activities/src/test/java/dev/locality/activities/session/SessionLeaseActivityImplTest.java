package dev.locality.activities.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.api.session.SessionGrant;
import dev.locality.api.session.SessionLeaseActivity;
import dev.locality.api.session.SessionRequest;
import dev.locality.api.workflow.Failures;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionLeaseActivityImplTest {
  @TempDir Path root;

  private TestActivityEnvironment env;
  private WorkRoot workRoot;
  private final SessionRegistry sessions = new SessionRegistry();
  private final Drain drain = new Drain();
  private final BlockingQueue<SessionGrant> grants = new LinkedBlockingQueue<>();
  private final List<Duration> pauses = new CopyOnWriteArrayList<>();
  private SessionLeaseActivity lease;

  @BeforeEach
  void setUp() throws Exception {
    workRoot = WorkRoot.open(root);
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new SessionLeaseActivityImpl(
            "w1",
            "host-1",
            "locality@w1-0000abcd",
            workRoot,
            sessions,
            (workflowId, runId, grant) -> grants.add(grant),
            drain,
            pauses::add));
    lease =
        env.newActivityStub(
            SessionLeaseActivity.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(1))
                .setHeartbeatTimeout(Duration.ofSeconds(1))
                .build());
  }

  @AfterEach
  void tearDown() throws Exception {
    env.close();
    workRoot.close();
  }

  private CompletableFuture<Void> hold(SessionRequest request) {
    return CompletableFuture.runAsync(() -> lease.hold(request));
  }

  private static Throwable failureOf(CompletableFuture<Void> held) {
    try {
      held.get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable t = e.getCause();
      return t instanceof ActivityFailure af ? af.getCause() : t;
    }
    throw new AssertionError("the lease ended without failure");
  }

  @Test
  void grantsTheSessionHoldsItUntilCancelledThenCleansUp() throws Exception {
    CompletableFuture<Void> held = hold(new SessionRequest("s-1", 1, List.of()));

    SessionGrant grant = grants.poll(20, TimeUnit.SECONDS);
    assertThat(grant).isEqualTo(new SessionGrant("s-1", "w1", "host-1", "locality@w1-0000abcd"));
    Path dir = workRoot.sessionPath("s-1");
    assertThat(dir).isDirectory();
    assertThat(sessions.find("s-1")).get().extracting(OpenSession::dir).isEqualTo(dir);
    assertThat(held).isNotDone();

    env.requestCancelActivity();

    assertThat(failureOf(held)).isInstanceOf(CanceledFailure.class);
    assertThat(dir).doesNotExist();
    assertThat(sessions.size()).isZero();
  }

  @Test
  void declinesAPipelineThatAsksToAvoidThisWorkerAndPausesPolling() {
    Throwable failure = failureOf(hold(new SessionRequest("s-2", 2, List.of("w0", "w1"))));

    assertThat(failure).isInstanceOf(ApplicationFailure.class);
    ApplicationFailure app = (ApplicationFailure) failure;
    assertThat(app.getType()).isEqualTo(SessionLeaseActivityImpl.LEASE_DECLINED);
    assertThat(app.isNonRetryable()).isFalse();
    assertThat(app.getOriginalMessage())
        .isEqualTo("worker w1 declined: it failed this pipeline before");
    assertThat(pauses).containsExactly(SessionLeaseActivityImpl.DECLINE_COOL_DOWN);
    assertThat(grants).isEmpty();
    assertThat(workRoot.sessionPath("s-2")).doesNotExist();
  }

  @Test
  void declinesNewSessionsWhileDraining() {
    drain.begin();
    Throwable failure = failureOf(hold(new SessionRequest("s-3", 1, List.of())));

    assertThat(((ApplicationFailure) failure).getType())
        .isEqualTo(SessionLeaseActivityImpl.LEASE_DECLINED);
    assertThat(grants).isEmpty();
  }

  @Test
  void givesTheSessionUpWithWorkerShutdownWhenTheDrainExpires() throws Exception {
    CompletableFuture<Void> held = hold(new SessionRequest("s-4", 1, List.of()));
    assertThat(grants.poll(20, TimeUnit.SECONDS)).isNotNull();

    drain.begin();
    assertThat(held).isNotDone(); // draining alone keeps open sessions going
    drain.expire();

    Throwable failure = failureOf(held);
    assertThat(failure).isInstanceOf(ApplicationFailure.class);
    ApplicationFailure app = (ApplicationFailure) failure;
    assertThat(app.getType()).isEqualTo(Failures.WORKER_SHUTDOWN);
    assertThat(app.isNonRetryable()).isTrue();
    assertThat(app.getOriginalMessage()).isEqualTo("worker w1 shut down before the session closed");
    assertThat(workRoot.sessionPath("s-4")).doesNotExist();
    assertThat(sessions.size()).isZero();
  }

  @Test
  void heartbeatsAtMostEvery500Millis() {
    assertThat(SessionLeaseActivityImpl.heartbeatInterval(Duration.ofSeconds(10)))
        .isEqualTo(Duration.ofMillis(500));
    assertThat(SessionLeaseActivityImpl.heartbeatInterval(Duration.ofMillis(900)))
        .isEqualTo(Duration.ofMillis(300));
    assertThat(SessionLeaseActivityImpl.heartbeatInterval(Duration.ZERO))
        .isEqualTo(Duration.ofMillis(500));
  }
}
