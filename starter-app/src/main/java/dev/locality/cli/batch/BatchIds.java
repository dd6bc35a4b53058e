package dev.locality.cli.batch;

import dev.locality.cli.spec.SpecHash;

/**
 * Workflow ids of batch runs: {@code <pipeline name>-<first 12 hex digits of sha256(input, LF, spec
 * hash)>}, where the spec hash is {@link SpecHash#of} the resolved spec of that input. The same
 * spec over the same input always gets the same id, which is what makes a re-run batch skip the
 * inputs that already completed (see {@code PipelineStarter}); an edited spec (or other {@code
 * --set} values) gets new ids, so its inputs run again instead of being skipped as done under the
 * old spec. Stateless, thread-safe.
 */
public final class BatchIds {
  private BatchIds() {}

  /**
   * @param specSha256 the hash of the resolved spec with {@code input} substituted
   */
  public static String of(String pipelineName, String input, String specSha256) {
    return pipelineName
        + "-"
        + SpecHash.sha256(input + "\n" + specSha256).substring(0, SpecHash.SHORT_LENGTH);
  }
}
