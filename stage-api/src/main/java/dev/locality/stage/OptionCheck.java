package dev.locality.stage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Checks a stage's raw options against what the stage declares: every key is a declared option,
 * required options are present, every value converts to its type and passes its validator, and then
 * (only when all of that holds) the stage's own {@link Stage#validate} cross-option checks. The one
 * implementation of option validation: the CLI, the workflow, the worker and the test kit all call
 * it. Stateless and thread-safe.
 */
public final class OptionCheck {
  private OptionCheck() {}

  /**
   * Every problem with {@code raw} as options of {@code stage}: unknown keys, missing required
   * options, values that do not parse, and, when every declared option's value parses, the stage's
   * own cross-option checks ({@link Stage#validate}).
   *
   * @param otherKeys keys the caller handles itself (a spec's {@code timeouts}, {@code retry}),
   *     named in the message for an unknown option so the author sees every choice
   */
  public static List<OptionProblem> problems(
      Stage stage, Map<String, Object> raw, List<String> otherKeys) {
    Map<String, Object> options = raw == null ? Map.of() : raw;
    List<OptionProblem> problems = new ArrayList<>();
    Set<String> declared =
        stage.options().stream().map(OptionSpec::name).collect(Collectors.toSet());
    for (String key : options.keySet()) {
      if (!declared.contains(key)) {
        String known =
            Stream.concat(declared.stream().sorted(), otherKeys.stream())
                .collect(Collectors.joining(", "));
        problems.add(
            new OptionProblem(
                key, "unknown option (options of " + stage.type() + ": " + known + ")"));
      }
    }
    boolean valuesParse = true;
    for (OptionSpec<?> option : stage.options()) {
      Object value = options.get(option.name());
      if (value == null) {
        if (option.required()) {
          problems.add(
              new OptionProblem(
                  option.name(), "required option is missing: " + option.description()));
          valuesParse = false;
        }
        continue;
      }
      try {
        option.parse(value);
      } catch (IllegalArgumentException e) {
        problems.add(new OptionProblem(option.name(), e.getMessage()));
        valuesParse = false;
      }
    }
    // the stage's own checks read parsed values; an unknown key does not stop them, so a typo'd
    // option is reported together with what its absence breaks (a download without a source)
    if (valuesParse) problems.addAll(stage.validate(new StageConfig(options)));
    return List.copyOf(problems);
  }
}
