package dev.locality.activities.session;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.RecordActivityTaskHeartbeatRequest;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Confirms with the server, synchronously and within a deadline, that a lease activity is still the
 * server's: records one heartbeat for its task token. The SDK's own heartbeats are throttled and
 * asynchronous and report no success, so fencing needs this answer. Thread-safe.
 */
@FunctionalInterface
public interface LeaseConfirmer {
  /** What the server said. */
  enum Answer {
    /** The server recorded the heartbeat: the lease is held (perhaps with a cancel requested). */
    CONFIRMED,
    /** The server no longer knows the lease (timed out, closed): lost for good. */
    GONE,
    /** No answer in time (partition, server down): unknown. */
    UNREACHABLE
  }

  Answer confirm(byte[] taskToken, Duration deadline);

  /** Through the worker's client. */
  static LeaseConfirmer using(WorkflowClient client, String identity) {
    return (token, deadline) -> {
      try {
        client
            .getWorkflowServiceStubs()
            .blockingStub()
            .withDeadlineAfter(Math.max(100, deadline.toMillis()), TimeUnit.MILLISECONDS)
            .recordActivityTaskHeartbeat(
                RecordActivityTaskHeartbeatRequest.newBuilder()
                    .setNamespace(client.getOptions().getNamespace())
                    .setTaskToken(ByteString.copyFrom(token))
                    .setIdentity(identity)
                    .build());
        return Answer.CONFIRMED;
      } catch (StatusRuntimeException e) {
        return e.getStatus().getCode() == Status.Code.NOT_FOUND ? Answer.GONE : Answer.UNREACHABLE;
      }
    };
  }
}
