package dev.locality.activities.stages.download;

import dev.locality.activities.stages.s3.S3Failures;
import dev.locality.activities.stages.s3.S3Location;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Expands an {@code s3://} glob ({@link SourcePattern}) to the objects it matches: ListObjectsV2
 * with the key up to the first glob character as prefix, page by page (heartbeating after each
 * page), each key matched relative to the glob's base. Keys ending in {@code /} (folder markers)
 * never match. The result is in key order (S3 lists in UTF-8 binary order) and carries each
 * object's size, so the sum can be checked before any byte moves. Stateless and thread-safe.
 */
final class S3Glob {
  /** Keys per listing page, the most S3 returns. */
  static final int PAGE_SIZE = 1000;

  private S3Glob() {}

  /**
   * The objects {@code pattern} matches.
   *
   * @param limit the most matches allowed; more is bad input naming the pattern
   * @param afterPage called after each page (a heartbeat)
   * @throws dev.locality.stage.BadInputException for a missing bucket, denied access or too many
   *     matches
   * @throws IOException for transient failures
   */
  static List<MatchedSource> expand(
      SourcePattern pattern, S3Client client, int limit, Runnable afterPage) throws IOException {
    return expand(pattern, client, limit, PAGE_SIZE, afterPage);
  }

  /** {@link #expand} with pages of at most {@code pageSize} keys (tests of the paging). */
  static List<MatchedSource> expand(
      SourcePattern pattern, S3Client client, int limit, int pageSize, Runnable afterPage)
      throws IOException {
    String bucket = pattern.bucket();
    String base = pattern.base().substring(1); // the key prefix of names, with its trailing /
    PathMatcher matcher = pattern.matcher();
    List<MatchedSource> out = new ArrayList<>();
    String token = null;
    try {
      do {
        String continuation = token;
        ListObjectsV2Response page =
            client.listObjectsV2(
                b ->
                    b.bucket(bucket)
                        .prefix(pattern.listPrefix())
                        .maxKeys(pageSize)
                        .continuationToken(continuation));
        for (S3Object object : page.contents()) {
          String key = object.key();
          if (key.endsWith("/") || !key.startsWith(base)) continue;
          String relative = key.substring(base.length());
          if (relative.isEmpty() || !matcher.matches(Path.of(relative))) continue;
          if (out.size() == limit) throw DownloadSources.tooMany(pattern, limit);
          out.add(
              new MatchedSource(
                  SourcePattern.s3Url(bucket, key),
                  relative,
                  bucket + "/" + key,
                  object.size(),
                  object.eTag() == null ? null : "ETag: " + object.eTag()));
        }
        afterPage.run();
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null);
    } catch (SdkException e) {
      throw S3Failures.badInputOr(e, "listing", new S3Location(bucket, pattern.listPrefix() + "*"));
    }
    return out;
  }
}
