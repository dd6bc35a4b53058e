package dev.locality.stage;

/**
 * One thing wrong with a stage's options, as a stage's {@link Stage#validate} or the framework's
 * {@link OptionCheck} reports it: which option, and what is wrong in words a spec author can act
 * on. The caller adds where the stage is in the pipeline.
 *
 * @param key the option's name (or another spec key, such as {@code type})
 * @param message what is wrong, naming the value where it helps
 */
public record OptionProblem(String key, String message) {
  public OptionProblem {
    if (key == null || message == null) throw new IllegalArgumentException("key and message");
  }
}
