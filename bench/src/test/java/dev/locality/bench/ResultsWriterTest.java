package dev.locality.bench;

import static dev.locality.bench.Json.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsWriterTest {
  private static final long STARTED = Instant.parse("2026-01-02T03:04:05Z").toEpochMilli();

  private static Options options(Path out) {
    return Options.parse(
        new String[] {
          "--cli-jar", "c.jar", "--worker-jar", "w.jar", "--only", "limit", "--out", out.toString()
        });
  }

  @Test
  void partialResultsAreJsonOnly(@TempDir Path out) throws Exception {
    ResultsFixture f = SummaryTest.everySection();

    ResultsWriter.write(f.results, options(out), STARTED);

    String json = JSON.writeValueAsString(f.results);
    assertThat(out.resolve("bench-20260102-030405.json")).content().isEqualTo(json);
    assertThat(out.resolve("latest.json")).content().isEqualTo(json);
    assertThat(out.resolve("latest.md")).doesNotExist();
  }

  @Test
  void summarizedResultsAlsoGetTheMarkdownReport(@TempDir Path out) throws Exception {
    ObjectNode results = SummaryTest.everySection().summarized();
    Options o = options(out);

    ResultsWriter.write(results, o, STARTED);

    String expected = MarkdownReport.render(results, o);
    assertThat(out.resolve("bench-20260102-030405.md")).content().isEqualTo(expected);
    assertThat(out.resolve("latest.md")).content().isEqualTo(expected);
    assertThat(out.resolve("latest.json")).content().isEqualTo(JSON.writeValueAsString(results));
    assertThat(Files.list(out)).hasSize(4);
  }
}
