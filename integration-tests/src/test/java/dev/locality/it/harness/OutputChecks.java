package dev.locality.it.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.locality.api.workflow.PipelineResult;
import java.net.URI;
import java.time.Duration;

/**
 * The checks every failure scenario ends with: the pipeline's one output object is exactly the
 * expected bytes, committed once and alone under its prefix; no live worker has session files.
 */
public final class OutputChecks {
  private OutputChecks() {}

  /**
   * Asserts that {@code result} has one output, an object in {@code bucket} holding {@code
   * expected}, committed once, the only object under its key's prefix (its directory).
   *
   * @return the object's key
   */
  public static String assertObjectOnce(
      S3Server s3, String bucket, PipelineResult result, byte[] expected) {
    assertThat(result.outputUris()).hasSize(1);
    URI uri = URI.create(result.outputUris().get(0));
    assertThat(uri.getScheme()).isEqualTo("s3");
    assertThat(uri.getHost()).isEqualTo(bucket);
    String key = uri.getPath().substring(1);
    assertThat(s3.read(bucket, key)).isEqualTo(expected);
    assertThat(s3.commits(bucket, key)).as("commits of %s", key).isEqualTo(1);
    assertThat(s3.keys(bucket, prefixOf(key))).containsExactly(key);
    return key;
  }

  /** As {@link #assertObjectOnce}, and no multipart upload is pending under the key's prefix. */
  public static String assertObjectOnceNothingPending(
      S3Server s3, String bucket, PipelineResult result, byte[] expected) {
    String key = assertObjectOnce(s3, bucket, result, expected);
    String prefix = prefixOf(key);
    assertThat(s3.pendingUploads(bucket))
        .as("pending multipart uploads")
        .noneMatch(u -> u.startsWith(prefix));
    return key;
  }

  /** Waits up to 20 s until no live worker of the cluster has session files left. */
  public static void assertNoSessionFiles(ItCluster cluster) {
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              for (ItWorker worker : cluster.workers()) {
                if (worker.isAlive()) {
                  assertThat(worker.sessionLeftovers()).as(worker.workerId()).isEmpty();
                }
              }
            });
  }

  private static String prefixOf(String key) {
    return key.substring(0, key.lastIndexOf('/') + 1);
  }
}
