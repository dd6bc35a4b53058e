package dev.locality.activities.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.locality.api.workflow.Failures;
import dev.locality.api.workflow.StageInvocation;
import dev.locality.stage.Artifact;
import dev.locality.stage.ArtifactManifest;
import dev.locality.stage.StageResult;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Keeps the workflow's history small whatever the number of artifacts: a stage result listing more
 * than {@link ArtifactManifest#INLINE_LIMIT} outputs or output URIs is written to a manifest file
 * in the session directory, and the history carries an {@link ArtifactManifest} summary instead;
 * the next stage's inputs are read back from that file. Stages never see manifests. Stateless and
 * thread-safe; each manifest is written once, by the attempt that produced it.
 */
final class OutputManifests {
  private static final ObjectMapper JSON = JacksonJsonPayloadConverter.newDefaultObjectMapper();
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(OutputManifests.class);

  /** What a manifest file holds: the full lists. */
  record Contents(List<Artifact> outputs, List<String> outputUris) {}

  private OutputManifests() {}

  /** Where attempt {@code attempt} of the stage whose outputs are in {@code attemptDir} writes. */
  static Path fileFor(Path attemptDir, int attempt) {
    return attemptDir.resolveSibling("outputs-" + attempt + ".json");
  }

  /**
   * {@code result} itself when its lists are short; else the same result with the lists moved to
   * {@code manifestFile} (written in one pass) and summarised.
   *
   * @throws IOException when the manifest cannot be written (the caller treats it as the stage's
   *     failure)
   */
  static StageResult spillIfLarge(StageResult result, Path sessionDir, Path manifestFile)
      throws IOException {
    int limit = ArtifactManifest.INLINE_LIMIT;
    if (result.outputs().size() <= limit && result.outputUris().size() <= limit) return result;
    try (OutputStream out = Files.newOutputStream(manifestFile)) {
      JSON.writeValue(out, new Contents(result.outputs(), result.outputUris()));
    }
    long bytes = result.outputs().stream().mapToLong(a -> Math.max(0, a.bytes())).sum();
    String relative =
        sessionDir
            .relativize(manifestFile)
            .toString()
            .replace(manifestFile.getFileSystem().getSeparator(), "/");
    ArtifactManifest manifest =
        new ArtifactManifest(relative, result.outputs().size(), bytes, result.outputUris().size());
    List<String> firstUris =
        result.outputUris().subList(0, Math.min(limit, result.outputUris().size()));
    return new StageResult(
        List.of(), result.metrics(), firstUris, manifest, result.sourceVersion());
  }

  /**
   * The stage's input artifacts: listed in the invocation, or read from the previous stage's
   * manifest.
   *
   * @throws ApplicationFailure {@link Failures#SESSION_LOST} when the manifest is gone or does not
   *     match its summary (the session's files on this worker are not the ones the workflow knows)
   */
  static List<Artifact> inputs(StageInvocation invocation, Path sessionDir) {
    ArtifactManifest manifest = invocation.inputsManifest();
    if (manifest == null) return invocation.inputs() == null ? List.of() : invocation.inputs();
    Path file = sessionDir.resolve(manifest.path()).normalize();
    if (!file.startsWith(sessionDir)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "input manifest " + manifest.path() + " is outside the session directory",
          Failures.BAD_INPUT);
    }
    Contents contents;
    try (InputStream in = Files.newInputStream(file)) {
      contents = JSON.readValue(in, Contents.class);
    } catch (NoSuchFileException e) {
      throw lost(manifest, "it is missing");
    } catch (IOException e) {
      throw lost(manifest, "it cannot be read: " + e.getMessage());
    }
    if (contents.outputs() == null || contents.outputs().size() != manifest.artifacts())
      throw lost(manifest, "it does not list " + manifest.artifacts() + " artifacts");
    return contents.outputs();
  }

  /** Removes a manifest a failed attempt may have begun; a failure to do so is only logged. */
  static void deleteQuietly(Path manifestFile) {
    try {
      Files.deleteIfExists(manifestFile);
    } catch (IOException e) {
      log.warn("could not delete {}: {}", manifestFile, e.toString());
    }
  }

  private static ApplicationFailure lost(ArtifactManifest manifest, String why) {
    return ApplicationFailure.newNonRetryableFailure(
        "the previous stage's output manifest " + manifest.path() + " on this worker: " + why,
        Failures.SESSION_LOST);
  }
}
