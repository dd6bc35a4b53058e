package dev.locality.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.locality.api.workers.PoolReport;
import dev.locality.api.workers.WorkerEntry;
import dev.locality.api.workers.WorkerListing;
import dev.locality.api.workers.WorkerReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkersCommandTest {
  private static final long AS_OF = 1_764_000_000_000L;

  private static WorkerEntry entry(String id, String state, long ageMillis, PoolReport... pools) {
    return new WorkerEntry(
        new WorkerReport(
            id, "host-" + id, "1.0", "locality@" + id + "-1", List.of(pools), 0, false),
        AS_OF - ageMillis,
        state);
  }

  private static final WorkerListing LISTING =
      new WorkerListing(
          AS_OF,
          15_000,
          List.of(
              entry(
                  "both",
                  "live",
                  2_000,
                  new PoolReport("gpu", 1, 1),
                  new PoolReport("default", 2, 0)),
              entry("flows", "live", 1_000),
              entry("old", "gone", 41_000, new PoolReport("default", 4, 3))));

  @Test
  void theTableHasOneRowPerWorkerAndPool() {
    List<String> lines = WorkersCommand.table(LISTING).render("").lines().toList();
    assertThat(lines.get(0))
        .startsWith("WORKER")
        .contains("STATE", "POOL", "SLOTS", "OPEN", "FREE");
    assertThat(lines).hasSize(5);
    assertThat(lines.get(1))
        .matches("both\\s+live\\s+gpu\\s+1\\s+1\\s+0\\s+1\\.0\\s+host-both\\s+2\\.0s ago");
    assertThat(lines.get(2)).containsPattern("both\\s+live\\s+default\\s+2\\s+0\\s+2");
    assertThat(lines.get(3)).containsPattern("flows\\s+live\\s+-\\s+0\\s+0\\s+0");
    assertThat(lines.get(4)).containsPattern("old\\s+gone\\s+default\\s+4\\s+3\\s+1");
  }

  @Test
  void theJsonCarriesEveryReportedFigure() {
    JsonNode root = WorkersCommand.toJson(LISTING, "locality");
    assertThat(root.path("queue").asText()).isEqualTo("locality");
    assertThat(root.path("goneAfterMillis").asLong()).isEqualTo(15_000);
    assertThat(root.path("workers")).hasSize(3);
    JsonNode both = root.path("workers").get(0);
    assertThat(both.path("workerId").asText()).isEqualTo("both");
    assertThat(both.path("state").asText()).isEqualTo("live");
    assertThat(both.path("lastReportAgeMillis").asLong()).isEqualTo(2_000);
    assertThat(both.path("uniqueQueue").asText()).isEqualTo("locality@both-1");
    assertThat(both.path("pools").get(0).path("pool").asText()).isEqualTo("gpu");
    assertThat(both.path("pools").get(0).path("freeSlots").asInt()).isZero();
    assertThat(both.path("pools").get(1).path("freeSlots").asInt()).isEqualTo(2);
    assertThat(root.path("workers").get(1).path("pools")).isEmpty();
    assertThat(root.path("workers").get(2).path("state").asText()).isEqualTo("gone");
  }
}
