package dev.locality.examples.minimal;

import dev.locality.stage.*;
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;

/** Upper-cases text files: each data input gives an output of the same name. */
public final class UppercaseStage implements Stage {
  public String type() {
    return "uppercase";
  }

  public String description() {
    return "Upper-cases text files";
  }

  public List<OptionSpec<?>> options() {
    return List.of();
  }

  public StageResult run(StageInput input, StageContext context) throws IOException {
    List<Artifact> outputs = new ArrayList<>();
    long lines = 0;
    for (Artifact in : input.artifacts()) { // data only: the framework passes the rest on
      Path target = context.outputDir().resolve(in.fileName());
      try (var reader = Files.newBufferedReader(context.resolve(in));
          var writer =
              new OutputStreamWriter(context.createOutput(target), StandardCharsets.UTF_8)) {
        for (String line; (line = reader.readLine()) != null; ) {
          writer.write(line.toUpperCase(Locale.ROOT) + "\n");
          context.progressRows(++lines); // a heartbeat, throttled
        }
      }
      outputs.add(context.artifact(target, -1)); // size and SHA-256, from the write
    }
    return StageResult.of(outputs, new StageMetrics(-1, -1, lines, lines, 0, 0));
  }
}
