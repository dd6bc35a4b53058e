package dev.locality.api.spec;

import dev.locality.api.stage.OptionSpec;
import dev.locality.api.stage.Stage;
import dev.locality.api.stage.StageConfig;
import dev.locality.api.stage.StageRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks stages against the stages a registry knows: the type exists, every key is a declared
 * option, required options are present, values have the right type, and the stage's own
 * cross-option checks pass. Used by the CLI before a pipeline starts and by the worker before a
 * stage touches data. Thread-safe.
 */
public final class SpecValidator {
  private final StageRegistry registry;

  public SpecValidator(StageRegistry registry) {
    this.registry = registry;
  }

  /** Every problem in every stage of the spec. */
  public List<Problem> validateStages(PipelineSpec spec) {
    List<Problem> problems = new ArrayList<>();
    for (int i = 0; i < spec.stages().size(); i++) {
      problems.addAll(validateStage(i, spec.stages().get(i)));
    }
    return problems;
  }

  /** Every problem in one stage; {@code index} is its position in the pipeline. */
  public List<Problem> validateStage(int index, StageSpec stageSpec) {
    String type = stageSpec.type();
    if (type == null) return List.of();
    Stage stage = registry.find(type).orElse(null);
    if (stage == null) {
      return List.of(
          Problem.stage(
              index,
              type,
              "type",
              "unknown stage type '"
                  + type
                  + "' (known: "
                  + String.join(", ", registry.types())
                  + ")"));
    }
    List<Problem> problems = new ArrayList<>();
    Map<String, Object> raw = stageSpec.options() == null ? Map.of() : stageSpec.options();
    Set<String> declared =
        stage.options().stream().map(OptionSpec::name).collect(Collectors.toSet());
    for (String key : raw.keySet()) {
      if (!declared.contains(key)) {
        problems.add(
            Problem.stage(
                index,
                type,
                key,
                "unknown option (options of "
                    + type
                    + ": "
                    + stage.options().stream()
                        .map(OptionSpec::name)
                        .sorted()
                        .collect(Collectors.joining(", "))
                    + ", timeouts, retry)"));
      }
    }
    for (OptionSpec<?> option : stage.options()) {
      Object value = raw.get(option.name());
      if (value == null) {
        if (option.required())
          problems.add(
              Problem.stage(
                  index,
                  type,
                  option.name(),
                  "required option is missing: " + option.description()));
        continue;
      }
      try {
        option.parse(value);
      } catch (IllegalArgumentException e) {
        problems.add(Problem.stage(index, type, option.name(), e.getMessage()));
      }
    }
    if (problems.isEmpty()) {
      for (Problem p : stage.validate(new StageConfig(raw))) {
        problems.add(Problem.stage(index, type, p.key(), p.message()));
      }
    }
    return problems;
  }
}
