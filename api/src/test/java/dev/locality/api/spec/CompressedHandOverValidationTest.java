package dev.locality.api.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locality.stage.OptionSpec;
import dev.locality.stage.OptionType;
import dev.locality.stage.Stage;
import dev.locality.stage.StageConfig;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageRegistry;
import dev.locality.stage.StageResult;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A stage that hands its data on compressed ({@link Stage#handsOnCompressed}) must be followed by
 * one that {@linkplain Stage#readsCompressedInput reads compressed input}.
 */
class CompressedHandOverValidationTest {
  /** Like decompress: {@code materialize: false} hands the input on compressed. */
  static final class Unpack implements Stage {
    static final OptionSpec<Boolean> MATERIALIZE =
        OptionSpec.builder("materialize", OptionType.BOOLEAN)
            .description("m")
            .defaultValue(true)
            .build();

    @Override
    public String type() {
      return "unpack";
    }

    @Override
    public String description() {
      return "test";
    }

    @Override
    public List<OptionSpec<?>> options() {
      return List.of(MATERIALIZE);
    }

    @Override
    public boolean readsCompressedInput() {
      return true;
    }

    @Override
    public Optional<String> handsOnCompressed(StageConfig config) {
      return config.get(MATERIALIZE) ? Optional.empty() : Optional.of(MATERIALIZE.name());
    }

    @Override
    public StageResult run(StageInput input, StageContext context) {
      throw new UnsupportedOperationException();
    }
  }

  /** A stage reading compressed input (like transform-csv) or not (like upload). */
  record Plain(String type, boolean readsCompressed) implements Stage {
    @Override
    public String description() {
      return "test";
    }

    @Override
    public List<OptionSpec<?>> options() {
      return List.of();
    }

    @Override
    public boolean readsCompressedInput() {
      return readsCompressed;
    }

    @Override
    public StageResult run(StageInput input, StageContext context) {
      throw new UnsupportedOperationException();
    }
  }

  private final SpecParser parser =
      new SpecParser(
          StageRegistry.of(
              List.of(new Unpack(), new Plain("parse", true), new Plain("publish", false))));

  private static String spec(String... stages) {
    return "name: p\nstages:\n" + String.join("\n", stages) + "\n";
  }

  @Test
  void aCompressedHandOverToAStageThatReadsCompressedInputIsValid() {
    PipelineSpec spec =
        parser.parse(
            spec("  - type: unpack", "    materialize: false", "  - type: parse"), "ok.yaml");
    assertThat(spec.stages()).hasSize(2);
    parser.parse(spec("  - type: unpack", "    materialize: false", "  - type: unpack"), "x");
  }

  @Test
  void aCompressedHandOverToAStageThatCannotReadItNamesBothStages() {
    assertThatThrownBy(
            () ->
                parser.parse(
                    spec(
                        "  - type: unpack",
                        "    materialize: false",
                        "  - type: publish",
                        "    x: 1"),
                    "bad.yaml"))
        .isInstanceOfSatisfying(
            InvalidSpecException.class,
            e ->
                assertThat(e.problems())
                    .extracting(Problem::toString)
                    .contains(
                        "stages[0] (unpack).materialize: unpack's option materialize hands its"
                            + " data on still compressed, but the next stage, publish"
                            + " (stages[1]), cannot read compressed input; change materialize,"
                            + " or put next a stage that reads compressed input (parse, unpack)"));
  }

  @Test
  void aCompressedHandOverFromTheLastStageIsRefused() {
    assertThatThrownBy(
            () -> parser.parse(spec("  - type: unpack", "    materialize: false"), "last.yaml"))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("stages[0] (unpack).materialize")
        .hasMessageContaining("it is the last stage: nothing would decompress it");
  }

  @Test
  void theDefaultHandsOnWhatItProduced() {
    parser.parse(spec("  - type: unpack", "  - type: publish"), "default.yaml");
    parser.parse(spec("  - type: unpack", "    materialize: true", "  - type: publish"), "t");
  }
}
