package dev.locality.worker.teststages;

import dev.locality.stage.Leftovers;
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
import java.util.stream.Collectors;

/**
 * Test stage for {@link StageContext#leftovers()}: undoes (forgets) the leftovers of kind {@value
 * #KIND} that earlier attempts recorded, writing their ids into {@code found.txt} ({@code found
 * <ids>}); then records one of its own, named after its session directory. When the worker setting
 * {@code test.leftover.block} is true it then heartbeats until cancelled (and so leaves it);
 * otherwise it forgets it and completes.
 */
public final class LeftoverStage implements Stage {
  static final String KIND = "test-thing";

  static final SettingSpec<Boolean> BLOCK =
      SettingSpec.builder("test.leftover.block", OptionType.BOOLEAN)
          .description("Heartbeat until cancelled, leaving a leftover (test)")
          .defaultValue(false)
          .build();

  @Override
  public String type() {
    return "test-leftover";
  }

  @Override
  public String description() {
    return "Records and undoes leftovers (test stage).";
  }

  @Override
  public List<OptionSpec<?>> options() {
    return List.of();
  }

  @Override
  public List<SettingSpec<?>> settings() {
    return List.of(BLOCK);
  }

  @Override
  public StageResult run(StageInput input, StageContext context) throws Exception {
    Leftovers leftovers = context.leftovers();
    List<Leftovers.Leftover> earlier = leftovers.recorded(KIND);
    earlier.forEach(leftovers::forget);
    String text =
        "found " + earlier.stream().map(Leftovers.Leftover::id).collect(Collectors.joining(","));
    Leftovers.Leftover mine =
        new Leftovers.Leftover(KIND, "test:", context.sessionDir().getFileName().toString());
    leftovers.record(mine);
    Path out = Files.writeString(context.outputDir().resolve("found.txt"), text);
    if (context.setting(BLOCK)) {
      while (true) { // until the heartbeat reports cancellation
        context.heartbeat(Progress.bytes(0, 1));
        Thread.sleep(100);
      }
    }
    leftovers.forget(mine);
    return StageResult.of(List.of(context.artifact(out, -1)), StageMetrics.bytes(0, text.length()));
  }
}
