package dev.locality.bench;

import static dev.locality.bench.Json.JSON;
import static dev.locality.bench.Log.log;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes the results to {@code OUT/bench-STAMP.json} and {@code OUT/latest.json}, and once they
 * have a summary the Markdown report to {@code OUT/bench-STAMP.md} and {@code OUT/latest.md}; STAMP
 * is the run's start, UTC.
 */
final class ResultsWriter {
  private ResultsWriter() {}

  static void write(JsonNode results, Options o, long started) throws IOException {
    Files.createDirectories(o.out);
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.ofEpochMilli(started));
    Path json = o.out.resolve("bench-" + stamp + ".json");
    JSON.writeValue(json.toFile(), results);
    Files.copy(json, o.out.resolve("latest.json"), StandardCopyOption.REPLACE_EXISTING);
    if (results.has("summary")) {
      Path md = o.out.resolve("bench-" + stamp + ".md");
      Files.writeString(md, MarkdownReport.render(results, o));
      Files.copy(md, o.out.resolve("latest.md"), StandardCopyOption.REPLACE_EXISTING);
      log("results: %s and %s", json, md);
    }
  }
}
