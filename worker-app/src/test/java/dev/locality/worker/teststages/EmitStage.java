package dev.locality.worker.teststages;

import dev.locality.stage.OptionSpec;
import dev.locality.stage.OptionType;
import dev.locality.stage.Progress;
import dev.locality.stage.SettingSpec;
import dev.locality.stage.Stage;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.StageResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Test stage: writes its {@code text} option into {@code text.txt}. When the worker setting {@code
 * test.block} is {@code true}, it then heartbeats until it is cancelled (a long stage).
 */
public final class EmitStage implements Stage {
  static final OptionSpec<String> TEXT =
      OptionSpec.builder("text", OptionType.STRING).description("What to write").required().build();

  @Override
  public String type() {
    return "test-emit";
  }

  @Override
  public String description() {
    return "Writes text into a file (test stage).";
  }

  /** Worker setting: when true, the stage heartbeats until it is cancelled. */
  static final SettingSpec<Boolean> BLOCK =
      SettingSpec.builder("test.block", OptionType.BOOLEAN)
          .description("Heartbeat until cancelled (test)")
          .defaultValue(false)
          .build();

  @Override
  public List<OptionSpec<?>> options() {
    return List.of(TEXT);
  }

  @Override
  public List<SettingSpec<?>> settings() {
    return List.of(BLOCK);
  }

  @Override
  public StageResult run(StageInput input, StageContext context) throws Exception {
    String text = input.config().get(TEXT);
    Path out = Files.writeString(context.outputDir().resolve("text.txt"), text);
    if (context.setting(BLOCK)) {
      while (true) { // until the heartbeat reports cancellation
        context.heartbeat(Progress.bytes(0, text.length()));
        Thread.sleep(100);
      }
    }
    context.heartbeat(Progress.bytes(text.length(), text.length()));
    return StageResult.of(List.of(context.artifact(out, -1)), StageMetrics.bytes(0, text.length()));
  }
}
