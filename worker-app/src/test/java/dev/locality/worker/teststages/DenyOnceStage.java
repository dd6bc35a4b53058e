package dev.locality.worker.teststages;

import dev.locality.stage.OptionSpec;
import dev.locality.stage.OptionType;
import dev.locality.stage.Stage;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.StageResult;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test stage: the first run for each {@code key} (per JVM) fails as if the worker's own session
 * directory refused access (a worker-resources failure: the pipeline fails over to another worker,
 * avoiding this one); later runs write {@code key} into {@code key.txt}.
 */
public final class DenyOnceStage implements Stage {
  static final OptionSpec<String> KEY =
      OptionSpec.builder("key", OptionType.STRING)
          .description("Fails once per key")
          .required()
          .build();

  private static final Set<String> FAILED = ConcurrentHashMap.newKeySet();

  @Override
  public String type() {
    return "test-deny-once";
  }

  @Override
  public String description() {
    return "Fails once per key with permission denied in its session directory (test stage).";
  }

  @Override
  public List<OptionSpec<?>> options() {
    return List.of(KEY);
  }

  @Override
  public StageResult run(StageInput input, StageContext context) throws Exception {
    String key = input.config().get(KEY);
    Path out = context.outputDir().resolve("key.txt");
    if (FAILED.add(key)) throw new AccessDeniedException(out.toString());
    Files.writeString(out, key);
    return StageResult.of(List.of(context.artifact(out, -1)), StageMetrics.bytes(0, key.length()));
  }
}
