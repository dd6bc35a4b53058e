package dev.locality.api.spec;

import dev.locality.stage.OptionCheck;
import dev.locality.stage.OptionProblem;
import dev.locality.stage.Stage;
import dev.locality.stage.StageConfig;
import dev.locality.stage.StageRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

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

  /**
   * Every problem in every stage of the spec, and between neighbours: a stage that hands its data
   * on compressed ({@link Stage#handsOnCompressed}) must be followed by one that {@linkplain
   * Stage#readsCompressedInput reads compressed input}.
   */
  public List<Problem> validateStages(PipelineSpec spec) {
    List<Problem> problems = new ArrayList<>();
    List<StageSpec> stages = spec.stages();
    for (int i = 0; i < stages.size(); i++) {
      List<Problem> own = validateStage(i, stages.get(i));
      problems.addAll(own);
      if (own.isEmpty()) problems.addAll(compressedHandOver(i, stages));
    }
    return problems;
  }

  /** The problem with stage {@code index} handing on compressed data to its next stage, if any. */
  private List<Problem> compressedHandOver(int index, List<StageSpec> stages) {
    StageSpec spec = stages.get(index);
    if (spec == null || spec.type() == null) return List.of(); // reported as a structure problem
    Stage stage = registry.find(spec.type()).orElse(null);
    if (stage == null) return List.of();
    Optional<String> option = stage.handsOnCompressed(new StageConfig(spec.options()));
    if (option.isEmpty()) return List.of();
    String what =
        spec.type() + "'s option " + option.get() + " hands its data on still compressed, but ";
    String fix = "; change " + option.get() + ", or put next a stage that reads compressed input (";
    String readers =
        registry.all().stream()
                .filter(Stage::readsCompressedInput)
                .map(Stage::type)
                .sorted()
                .collect(Collectors.joining(", "))
            + ")";
    if (index + 1 == stages.size()) {
      return List.of(
          Problem.stage(
              index,
              spec.type(),
              option.get(),
              what + "it is the last stage: nothing would decompress it" + fix + readers));
    }
    StageSpec nextSpec = stages.get(index + 1);
    String nextType = nextSpec == null ? null : nextSpec.type();
    Stage next = nextType == null ? null : registry.find(nextType).orElse(null);
    if (next == null || next.readsCompressedInput()) return List.of(); // unknown: reported there
    return List.of(
        Problem.stage(
            index,
            spec.type(),
            option.get(),
            what
                + "the next stage, "
                + nextType
                + " (stages["
                + (index + 1)
                + "]), cannot read compressed input"
                + fix
                + readers));
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
