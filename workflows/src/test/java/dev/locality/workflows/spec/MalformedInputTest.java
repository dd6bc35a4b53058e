package dev.locality.workflows.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.locality.api.spec.SpecParser;
import dev.locality.api.workflow.Failures;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.OptionType;
import dev.locality.stage.Stage;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageRegistry;
import dev.locality.stage.StageResult;
import dev.locality.workflows.PipelineWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every malformed workflow input a client in any language could send ends the pipeline within
 * seconds with an {@code InvalidSpec} failure naming the problem, never a workflow task that fails
 * in a loop. Inputs are sent through an untyped stub, as another SDK would send them: plain JSON
 * values, not Java objects of our contract.
 */
class MalformedInputTest {
  private static final String QUEUE = "malformed-input";
  private static TestWorkflowEnvironment env;
  private static WorkflowClient client;

  /** A stage with one required option and one integer option, as a worker would register it. */
  static final class CopyStage implements Stage {
    static final OptionSpec<String> URL =
        OptionSpec.builder("url", OptionType.STRING)
            .description("where to read")
            .required()
            .build();
    static final OptionSpec<Long> LIMIT =
        OptionSpec.builder("limit", OptionType.INTEGER)
            .description("at most")
            .defaultValue(10L)
            .build();

    @Override
    public String type() {
      return "copy";
    }

    @Override
    public String description() {
      return "copies";
    }

    @Override
    public List<OptionSpec<?>> options() {
      return List.of(URL, LIMIT);
    }

    @Override
    public StageResult run(StageInput input, StageContext context) {
      throw new UnsupportedOperationException("never run here");
    }
  }

  /**
   * A stage that hands its data on compressed when {@code materialize: false}, as decompress does:
   * only a stage that reads compressed input may follow it ({@link CopyStage} does not).
   */
  static final class HandOnStage implements Stage {
    static final OptionSpec<Boolean> MATERIALIZE =
        OptionSpec.builder("materialize", OptionType.BOOLEAN)
            .description("write the decompressed file")
            .defaultValue(true)
            .build();

    @Override
    public String type() {
      return "unpack";
    }

    @Override
    public String description() {
      return "unpacks";
    }

    @Override
    public List<OptionSpec<?>> options() {
      return List.of(MATERIALIZE);
    }

    @Override
    public java.util.Optional<String> handsOnCompressed(dev.locality.stage.StageConfig config) {
      return Boolean.FALSE.equals(config.get(MATERIALIZE))
          ? java.util.Optional.of("materialize")
          : java.util.Optional.empty();
    }

    @Override
    public StageResult run(StageInput input, StageContext context) {
      throw new UnsupportedOperationException("never run here");
    }
  }

  @BeforeAll
  static void start() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(QUEUE);
    SpecParser parser =
        new SpecParser(StageRegistry.of(List.of(new CopyStage(), new HandOnStage())));
    worker.registerWorkflowImplementationFactory(
        PipelineWorkflow.class,
        () -> new PipelineWorkflowImpl(parser),
        PipelineWorkflowImpl.implementationOptions());
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  private static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2)
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    return map;
  }

  private static Map<String, Object> copy() {
    return map("type", "copy", "url", "https://example.invalid/a.csv");
  }

  private static Map<String, Object> spec(Object... stages) {
    return map("name", "daily", "stages", List.of(stages));
  }

  private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(base);
    copy.put(key, value);
    return copy;
  }

  static Stream<Arguments> malformed() {
    Map<String, Object> nullName = new HashMap<>(spec(copy()));
    nullName.put("name", null);
    Map<String, Object> nullStage = new HashMap<>();
    nullStage.put("name", "daily");
    nullStage.put("stages", Arrays.asList(copy(), null));
    List<Object> manyBadStages = new ArrayList<>();
    for (int i = 0; i < 5000; i++) manyBadStages.add(map("type", "nope-" + i));
    return Stream.of(
        Arguments.of("a JSON string", "pipeline.yaml", "(document)"),
        Arguments.of("a JSON number", 42, "(document)"),
        Arguments.of("a JSON array", List.of(copy()), "(document)"),
        Arguments.of("an empty object", Map.of(), "name: required"),
        Arguments.of("no stages", map("name", "daily"), "stages: required"),
        Arguments.of("empty stages", map("name", "daily", "stages", List.of()), "non-empty list"),
        Arguments.of("stages not a list", map("name", "daily", "stages", "copy"), "stages"),
        Arguments.of("a stage without type", spec(map("url", "x")), "stages[0].type: required"),
        Arguments.of("a stage type not a string", spec(map("type", 7)), "stage type as a string"),
        Arguments.of("a stage that is a string", spec("copy"), "stages[0]"),
        Arguments.of("a null stage", nullStage, "stages[1]"),
        Arguments.of("a null name", nullName, "name: required"),
        Arguments.of("a name of the wrong type", with(spec(copy()), "name", 12), "'12' must match"),
        Arguments.of(
            "a huge name", with(spec(copy()), "name", "x".repeat(1_000_000)), "(1000000 chars)"),
        Arguments.of("an unknown top-level key", with(spec(copy()), "owner", "me"), "owner"),
        Arguments.of(
            "an unknown stage type", spec(map("type", "kopy")), "unknown stage type 'kopy'"),
        Arguments.of("an unknown option", spec(with(copy(), "uri", "x")), "stages[0] (copy).uri"),
        Arguments.of("a missing required option", spec(map("type", "copy")), "(copy).url"),
        Arguments.of("an option of the wrong type", spec(with(copy(), "limit", "ten")), "limit"),
        Arguments.of(
            "a bad duration",
            with(spec(copy()), "session", map("heartbeatTimeout", "10 seconds")),
            "session.heartbeatTimeout"),
        Arguments.of(
            "a duration as a number",
            with(spec(copy()), "session", map("heartbeatTimeout", 10)),
            "session.heartbeatTimeout"),
        Arguments.of("session not a mapping", with(spec(copy()), "session", "fast"), "session"),
        Arguments.of(
            "maxWorkerAttempts as a string",
            with(spec(copy()), "session", map("maxWorkerAttempts", "3")),
            "maxWorkerAttempts"),
        Arguments.of(
            "timeouts not a mapping", spec(with(copy(), "timeouts", "30s")), "(copy).timeouts"),
        Arguments.of(
            "retry with an unknown key",
            spec(with(copy(), "retry", map("attempts", 3))),
            "retry.attempts"),
        Arguments.of(
            "data handed on compressed to a stage that cannot read it",
            spec(map("type", "unpack", "materialize", false), copy()),
            "the next stage, copy (stages[1]), cannot read compressed input"),
        Arguments.of("5000 bad stages", spec(manyBadStages.toArray()), "more problems"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void failsAtOnceWithInvalidSpec(String what, Object input, String expected) {
    long started = System.nanoTime();
    ApplicationFailure failure = failureOf(input);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    assertThat(failure.getType()).isEqualTo(Failures.INVALID_SPEC);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).startsWith("invalid pipeline spec").contains(expected);
    assertThat(failure.getOriginalMessage().length()).isLessThan(20_000);
    assertThat(millis).as("time to fail").isLessThan(10_000);
  }

  @Test
  void noInputAtAllFailsWithInvalidSpec() {
    ApplicationFailure failure = failureOf(new Object[0]);
    assertThat(failure.getType()).isEqualTo(Failures.INVALID_SPEC);
    assertThat(failure.getOriginalMessage()).contains("got nothing");
  }

  @Test
  void aJsonNullFailsWithInvalidSpec() {
    ApplicationFailure failure = failureOf(new Object[] {null});
    assertThat(failure.getType()).isEqualTo(Failures.INVALID_SPEC);
  }

  @Test
  void aBinaryPayloadEndsTheRunInsteadOfLooping() {
    // byte[] is sent with encoding binary/plain: not JSON at all
    Throwable thrown = catchThrowable(() -> run(new byte[] {1, 2, 3}));
    assertThat(thrown).isInstanceOf(WorkflowFailedException.class);
  }

  @Test
  void theFailureDetailsListEveryProblemForPrograms() {
    ApplicationFailure failure = failureOf(spec(map("type", "copy"), map("type", "kopy")));
    @SuppressWarnings("unchecked")
    List<Map<String, String>> details = failure.getDetails().get(List.class);
    assertThat(details)
        .extracting(d -> d.get("location"))
        .containsExactly("stages[0] (copy).url", "stages[1] (kopy).type");
  }

  private static ApplicationFailure failureOf(Object input) {
    Throwable thrown = catchThrowable(() -> run(input));
    assertThat(thrown).isInstanceOf(WorkflowFailedException.class);
    assertThat(thrown.getCause()).isInstanceOf(ApplicationFailure.class);
    return (ApplicationFailure) thrown.getCause();
  }

  private static void run(Object input) {
    WorkflowStub stub =
        client.newUntypedWorkflowStub(
            PipelineWorkflow.TYPE,
            WorkflowOptions.newBuilder()
                .setTaskQueue(QUEUE)
                .setWorkflowId("malformed-" + UUID.randomUUID())
                .setWorkflowRunTimeout(Duration.ofSeconds(30))
                .build());
    if (input instanceof Object[] args) stub.start(args);
    else stub.start(input);
    try {
      stub.getResult(20, TimeUnit.SECONDS, Object.class);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("still running after 20 s: its workflow task fails in a loop", e);
    }
  }
}
