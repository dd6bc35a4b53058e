package dev.locality.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link OptionCheck} reports every problem at once: a stage's own cross-option check still runs
 * next to an unknown key (a typo'd option is usually why the check fails), but not when a declared
 * option's value does not parse (the check reads parsed values).
 */
class OptionCheckTest {
  /** Needs exactly one of {@code a} and {@code b}. */
  private static final class OneOf implements Stage {
    static final OptionSpec<String> A =
        OptionSpec.builder("a", OptionType.STRING).description("one").build();
    static final OptionSpec<Long> B =
        OptionSpec.builder("b", OptionType.INTEGER).description("other").build();

    @Override
    public String type() {
      return "one-of";
    }

    @Override
    public String description() {
      return "test stage";
    }

    @Override
    public List<OptionSpec<?>> options() {
      return List.of(A, B);
    }

    @Override
    public List<OptionProblem> validate(StageConfig config) {
      return config.find(A).isPresent() == config.find(B).isPresent()
          ? List.of(new OptionProblem("a", "give a or b"))
          : List.of();
    }

    @Override
    public StageResult run(StageInput input, StageContext context) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void anUnknownKeyIsReportedWithWhatItsAbsenceBreaks() {
    assertThat(OptionCheck.problems(new OneOf(), Map.of("aa", "x"), List.of()))
        .extracting(OptionProblem::key)
        .containsExactly("aa", "a");
  }

  @Test
  void theStagesOwnCheckWaitsForValuesThatParse() {
    assertThat(OptionCheck.problems(new OneOf(), Map.of("b", "many"), List.of()))
        .extracting(OptionProblem::key)
        .containsExactly("b");
  }

  @Test
  void validOptionsHaveNoProblem() {
    assertThat(OptionCheck.problems(new OneOf(), Map.of("a", "x"), List.of())).isEmpty();
  }
}
