package dev.locality.worker.teststages;

import dev.locality.stage.Artifact;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.Stage;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.StageResult;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Test stage: upper-cases each input file into its output directory and reports the text as an
 * output URI {@code test:<text>}, so a test sees that the data crossed the session directory.
 */
public final class UpperStage implements Stage {
  @Override
  public String type() {
    return "test-upper";
  }

  @Override
  public String description() {
    return "Upper-cases text files (test stage).";
  }

  @Override
  public List<OptionSpec<?>> options() {
    return List.of();
  }

  @Override
  public StageResult run(StageInput input, StageContext context) throws Exception {
    List<Artifact> outputs = new ArrayList<>();
    List<String> uris = new ArrayList<>();
    long bytes = 0;
    for (Artifact in : input.artifacts()) {
      String text = Files.readString(context.resolve(in)).toUpperCase(Locale.ROOT);
      bytes += text.length();
      outputs.add(
          context.artifact(
              Files.writeString(context.outputDir().resolve(in.fileName()), text), -1));
      uris.add("test:" + text);
    }
    return new StageResult(outputs, StageMetrics.bytes(bytes, bytes), uris);
  }
}
