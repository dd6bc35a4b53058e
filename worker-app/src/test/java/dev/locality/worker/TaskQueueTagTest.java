package dev.locality.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.api.session.TaskQueues;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/**
 * The task_queue tag of the SDK's metrics: pool lease queues keep their names, so they never clash.
 */
class TaskQueueTagTest {
  @Test
  void poolLeaseQueuesKeepTheirNamesAndUniqueQueuesCollapse() {
    MeterRegistry registry = new SimpleMeterRegistry();
    registry.config().meterFilter(WorkerMetrics.uniqueQueueFilter("locality"));
    for (String queue :
        new String[] {
          "locality",
          TaskQueues.leaseQueue("locality", "gpu"),
          TaskQueues.unique("locality", "w1", "0a1b2c3d")
        }) {
      Gauge.builder("slots", () -> 1).tag(WorkerMetrics.TASK_QUEUE, queue).register(registry);
    }

    assertThat(registry.find("slots").gauges())
        .extracting(g -> g.getId().getTag(WorkerMetrics.TASK_QUEUE))
        .containsExactlyInAnyOrder("locality", "locality/pool/gpu", "locality@unique");
  }
}
