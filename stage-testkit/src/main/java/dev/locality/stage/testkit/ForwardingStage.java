package dev.locality.stage.testkit;

import dev.locality.stage.Artifact;
import dev.locality.stage.OptionProblem;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.SettingSpec;
import dev.locality.stage.Stage;
import dev.locality.stage.StageConfig;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageResult;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Stage} that forwards every call to another, for tests that run a real stage with a
 * changed context: override {@link #context} to wrap the context the stage sees (typically in a
 * {@link ForwardingStageContext}), or {@link #run} for more. Thread-safe if the wrapped stage and
 * the wrapping are.
 */
public class ForwardingStage implements Stage {
  private final Stage delegate;

  public ForwardingStage(Stage delegate) {
    this.delegate = delegate;
  }

  /** The context the wrapped stage runs with; {@code context} itself unless overridden. */
  protected StageContext context(StageContext context) {
    return context;
  }

  @Override
  public String type() {
    return delegate.type();
  }

  @Override
  public String description() {
    return delegate.description();
  }

  @Override
  public List<OptionSpec<?>> options() {
    return delegate.options();
  }

  @Override
  public List<SettingSpec<?>> settings() {
    return delegate.settings();
  }

  @Override
  public List<OptionProblem> validate(StageConfig config) {
    return delegate.validate(config);
  }

  @Override
  public boolean consumes(Artifact artifact) {
    return delegate.consumes(artifact);
  }

  @Override
  public boolean readsCompressedInput() {
    return delegate.readsCompressedInput();
  }

  @Override
  public Optional<String> handsOnCompressed(StageConfig config) {
    return delegate.handsOnCompressed(config);
  }

  @Override
  public StageResult run(StageInput input, StageContext context) throws Exception {
    return delegate.run(input, context(context));
  }
}
