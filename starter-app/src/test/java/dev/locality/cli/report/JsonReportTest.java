package dev.locality.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonReportTest {
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void completedReportIsOneLineWithIdsStatusAndResultFields() throws Exception {
    String json = new JsonReport().toJson(Fixtures.completed());

    assertThat(json).doesNotContain("\n");
    JsonNode root = mapper.readTree(json);
    assertThat(root.get("workflowId").asText()).isEqualTo("zipcodes-north-20261125-101500-3fa2");
    assertThat(root.get("runId").asText()).isEqualTo("run-1");
    assertThat(root.get("status").asText()).isEqualTo("COMPLETED");
    assertThat(root.get("name").asText()).isEqualTo("zipcodes-north");
    assertThat(root.get("workerId").asText()).isEqualTo("host-b");
    assertThat(root.get("taskQueue").asText()).isEqualTo(Fixtures.QUEUE_B);
    assertThat(root.get("outputUris").get(0).asText()).isEqualTo("file:///tmp/out/zipcodes.csv");
    assertThat(root.get("failure").isNull()).isTrue();
  }

  @Test
  void stagesCarryMetricsAndDuration() throws Exception {
    JsonNode stages = mapper.readTree(new JsonReport().toJson(Fixtures.completed())).get("stages");

    assertThat(stages).hasSize(4);
    JsonNode transform = stages.get(2);
    assertThat(transform.get("index").asInt()).isEqualTo(2);
    assertThat(transform.get("type").asText()).isEqualTo("transform-csv");
    assertThat(transform.get("workerId").asText()).isEqualTo("host-b");
    assertThat(transform.get("durationMillis").asLong()).isEqualTo(61_250);
    JsonNode metrics = transform.get("metrics");
    assertThat(metrics.get("bytesIn").asLong()).isEqualTo(5_242_880);
    assertThat(metrics.get("rowsIn").asLong()).isEqualTo(42_049);
    assertThat(metrics.get("rowsOut").asLong()).isEqualTo(3_366);
    assertThat(metrics.get("rowsFiltered").asLong()).isEqualTo(38_680);
    assertThat(metrics.get("rowsRejected").asLong()).isEqualTo(3);
  }

  @Test
  void sessionsAndFailoversAreIncluded() throws Exception {
    JsonNode root = mapper.readTree(new JsonReport().toJson(Fixtures.completed()));

    assertThat(root.get("failovers").asInt()).isEqualTo(1);
    assertThat(root.get("sessions")).hasSize(2);
    assertThat(root.get("sessions").get(0).get("failure").asText())
        .isEqualTo("lease heartbeat timed out");
    assertThat(root.get("sessions").get(1).get("workerId").asText()).isEqualTo("host-b");
  }

  @Test
  void failedReportCarriesMessageTypeAndChain() throws Exception {
    JsonNode root = mapper.readTree(new JsonReport().toJson(Fixtures.failed()));

    assertThat(root.get("status").asText()).isEqualTo("FAILED");
    assertThat(root.get("name").isNull()).isTrue();
    assertThat(root.get("failure").get("message").asText())
        .isEqualTo("row 7: undeclared reference to 'lat'");
    assertThat(root.get("failure").get("type").asText()).isEqualTo("BadInput");
    assertThat(root.get("failure").get("chain")).hasSize(3);
    assertThat(root.get("stages")).isEmpty();
  }
}
