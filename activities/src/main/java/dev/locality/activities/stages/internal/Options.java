package dev.locality.activities.stages.internal;

import dev.locality.stage.BadInputException;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.StageConfig;

/** Reads options at run time, turning a value that fails its own checks into bad input. */
public final class Options {
  private Options() {}

  /**
   * The option's value or default ({@code null} when unset and without default).
   *
   * @throws BadInputException naming the option when the value does not convert or validate
   */
  public static <T> T read(StageConfig config, OptionSpec<T> option) {
    try {
      return config.get(option);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("option '" + option.name() + "': " + e.getMessage(), e);
    }
  }
}
