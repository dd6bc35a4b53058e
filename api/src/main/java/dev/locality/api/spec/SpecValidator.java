package dev.locality.api.spec;

import dev.locality.stage.OptionCheck;
import dev.locality.stage.OptionProblem;
import dev.locality.stage.Stage;
import dev.locality.stage.StageRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks stages against the stages a registry knows: the type exists, every key is a declared
 * option, required options are present, values have the right type, and the stage's own
 * cross-option checks pass. Used by the CLI before a pipeline starts and by the worker before a
 * stage touches data. Thread-safe.
 */
public final class SpecValidator {
  /** Keys of a stage in a spec that are not the stage's options. */
  private static final List<String> SPEC_KEYS = List.of("timeouts", "retry");

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
    for (OptionProblem p : OptionCheck.problems(stage, stageSpec.options(), SPEC_KEYS)) {
      problems.add(Problem.stage(index, type, p.key(), p.message()));
    }
    return problems;
  }
}
