package dev.locality.activities.stages;

import dev.locality.activities.stages.internal.Options;
import dev.locality.activities.stages.internal.ProgressReporter;
import dev.locality.activities.stages.internal.Sha256;
import dev.locality.api.spec.Problem;
import dev.locality.api.stage.Artifact;
import dev.locality.api.stage.BadInputException;
import dev.locality.api.stage.OptionSpec;
import dev.locality.api.stage.OptionType;
import dev.locality.api.stage.PipelineInfo;
import dev.locality.api.stage.Stage;
import dev.locality.api.stage.StageConfig;
import dev.locality.api.stage.StageContext;
import dev.locality.api.stage.StageInput;
import dev.locality.api.stage.StageMetrics;
import dev.locality.api.stage.StageResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stage {@code upload}: publishes the input artifacts to local (or mounted) storage through a
 * {@code file:///} URI template.
 *
 * <pre>{@code
 * - type: upload
 *   to: file:///data/out/{name}/{date}/{file}
 *   overwrite: true
 * }</pre>
 *
 * <p>Placeholders: {@code {name}} (pipeline name), {@code {runId}}, {@code {workflowId}}, {@code
 * {file}} (artifact file name), {@code {date}} (yyyy-MM-dd in UTC, when the attempt runs). Without
 * {@code {file}} the stage takes exactly one input. Each file is written to a temporary file in the
 * target directory (created when missing), forced to disk and renamed over the target atomically,
 * so readers never see a partial file. With {@code overwrite: false} an existing target is bad
 * input, unless it already has the artifact's content (a retried attempt). {@code s3://} targets
 * are not supported yet. Returns the written {@code file:} URIs as output URIs and passes its input
 * artifacts on unchanged. Heartbeats carry bytes written out of the inputs' total. Thread-safe.
 */
public final class UploadStage implements Stage {
  public static final String TYPE = "upload";

  public static final OptionSpec<String> TO =
      OptionSpec.builder("to", OptionType.STRING)
          .description(
              "Target file URI template, e.g. file:///data/out/{name}/{date}/{file};"
                  + " placeholders {name}, {runId}, {workflowId}, {file}, {date}")
          .required()
          .build();

  public static final OptionSpec<Boolean> OVERWRITE =
      OptionSpec.builder("overwrite", OptionType.BOOLEAN)
          .description("Replace existing targets; false makes an existing target an error")
          .defaultValue(true)
          .build();

  private final Clock clock;

  public UploadStage() {
    this(Clock.systemUTC());
  }

  UploadStage(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String description() {
    return "Publishes files atomically to a file:// URI template";
  }

  @Override
  public List<OptionSpec<?>> options() {
    return List.of(TO, OVERWRITE);
  }

  @Override
  public List<Problem> validate(StageConfig config) {
    try {
      TargetTemplate.parse(config.get(TO));
      return List.of();
    } catch (IllegalArgumentException e) {
      return List.of(Problem.stage(-1, TYPE, TO.name(), e.getMessage()));
    }
  }

  @Override
  public StageResult run(StageInput input, StageContext context) throws Exception {
    TargetTemplate template;
    try {
      template = TargetTemplate.parse(Options.read(input.config(), TO));
    } catch (IllegalArgumentException e) {
      throw new BadInputException("option 'to': " + e.getMessage(), e);
    }
    boolean overwrite = Options.read(input.config(), OVERWRITE);
    List<Artifact> artifacts = input.artifacts();
    if (artifacts.isEmpty()) {
      throw new BadInputException("nothing to upload: the previous stage produced no files");
    }
    List<Artifact> data = artifacts.stream().filter(Artifact::isData).toList();
    if (data.size() > 1 && !template.hasPlaceholder("file")) {
      throw new BadInputException(
          "option 'to': "
              + template
              + " has no {file} placeholder but there are "
              + data.size()
              + " files to upload ("
              + String.join(", ", data.stream().map(Artifact::fileName).toList())
              + ")");
    }
    Map<Path, Artifact> targets = targets(template, artifacts, context.pipeline());
    long total = 0;
    List<Path> sources = new ArrayList<>();
    for (Artifact artifact : artifacts) {
      Path source = context.resolve(artifact);
      sources.add(source);
      total += Files.size(source);
    }
    List<Path> skip = overwrite ? List.of() : alreadyUploaded(targets, sources);
    ProgressReporter progress = ProgressReporter.bytes(context, total);
    progress.reportNow(0);
    long done = 0;
    List<String> uris = new ArrayList<>();
    int i = 0;
    for (Path target : targets.keySet()) {
      Path source = sources.get(i++);
      if (!skip.contains(target)) {
        long before = done;
        done += AtomicFileWriter.publish(source, target, n -> progress.report(before + n));
      } else {
        done += Files.size(source);
        context.logger().info("{} already holds this content; not rewritten", target);
      }
      uris.add(target.toUri().toString());
    }
    progress.reportNow(done);
    return new StageResult(artifacts, StageMetrics.bytes(total, done), uris);
  }

  private Map<Path, Artifact> targets(
      TargetTemplate template, List<Artifact> artifacts, PipelineInfo pipeline) {
    Map<String, String> values = new HashMap<>();
    values.put("name", pipeline.name());
    values.put("runId", pipeline.runId());
    values.put("workflowId", pipeline.workflowId());
    values.put("date", LocalDate.now(clock.withZone(ZoneOffset.UTC)).toString());
    Map<Path, Artifact> targets = new LinkedHashMap<>();
    Path dataTarget = null;
    for (Artifact artifact : artifacts) {
      values.put("file", artifact.fileName());
      Path target;
      try {
        target = template.expand(values);
      } catch (IllegalArgumentException e) {
        throw new BadInputException("option 'to': " + e.getMessage(), e);
      }
      if (artifact.isData()) {
        dataTarget = target;
      } else if (!template.hasPlaceholder("file") && dataTarget != null) {
        target = dataTarget.resolveSibling(artifact.fileName()); // rejects next to the output
      }
      Artifact previous = targets.putIfAbsent(target, artifact);
      if (previous != null) {
        throw new BadInputException(
            "option 'to': "
                + previous.path()
                + " and "
                + artifact.path()
                + " would both be uploaded to "
                + target);
      }
    }
    return targets;
  }

  /**
   * The targets that exist already with exactly the source's content (a retried attempt); any other
   * existing target is bad input.
   */
  private static List<Path> alreadyUploaded(Map<Path, Artifact> targets, List<Path> sources)
      throws IOException {
    List<Path> same = new ArrayList<>();
    int i = 0;
    for (Path target : targets.keySet()) {
      Path source = sources.get(i++);
      if (!Files.exists(target)) continue;
      if (Files.size(target) == Files.size(source)
          && Sha256.ofFile(target).equals(Sha256.ofFile(source))) {
        same.add(target);
      } else {
        throw new BadInputException(
            "target "
                + target.toUri()
                + " exists and option 'overwrite' is false; remove it or set overwrite: true");
      }
    }
    return same;
  }
}
