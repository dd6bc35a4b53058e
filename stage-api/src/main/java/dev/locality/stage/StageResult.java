package dev.locality.stage;

import java.util.List;

/**
 * What a stage hands on: its output artifacts (the next stage's input), its metrics, and any
 * externally visible URIs it wrote (uploads). A stage returns every output; the worker moves lists
 * longer than {@link ArtifactManifest#INLINE_LIMIT} into a manifest file before the result enters
 * the workflow's history ({@code manifest} is then set, {@code outputs} empty and {@code
 * outputUris} cut to the first entries), so the history stays small whatever the data.
 *
 * @param manifest where the full lists are when they were too long for the history; null otherwise
 * @param sourceVersion what the stage read from outside, as a version a later run can compare
 *     ({@code download} with {@code ifChanged: true}: a digest of its sources' ETags, Last-Modified
 *     dates or S3 version ids); null when the stage reports none. When a stage reports the same
 *     version it was given as {@code lastSourceVersion} and no outputs, the pipeline ends as
 *     SKIPPED_UNCHANGED.
 */
public record StageResult(
    List<Artifact> outputs,
    StageMetrics metrics,
    List<String> outputUris,
    ArtifactManifest manifest,
    String sourceVersion) {
  public StageResult {
    outputs = List.copyOf(outputs);
    outputUris = outputUris == null ? List.of() : List.copyOf(outputUris);
  }

  /** A result without a source version. */
  public StageResult(
      List<Artifact> outputs,
      StageMetrics metrics,
      List<String> outputUris,
      ArtifactManifest manifest) {
    this(outputs, metrics, outputUris, manifest, null);
  }

  /** This result, reporting {@code version} as the version of what the stage read. */
  public StageResult withSourceVersion(String version) {
    return new StageResult(outputs, metrics, outputUris, manifest, version);
  }

  /** A stage's result with every output listed (what stages return). */
  public StageResult(List<Artifact> outputs, StageMetrics metrics, List<String> outputUris) {
    this(outputs, metrics, outputUris, null);
  }

  /** How many artifacts the stage produced, whether listed here or in the manifest. */
  public int outputCount() {
    return manifest == null ? outputs.size() : manifest.artifacts();
  }

  public static StageResult of(List<Artifact> outputs, StageMetrics metrics) {
    return new StageResult(outputs, metrics, List.of());
  }
}
