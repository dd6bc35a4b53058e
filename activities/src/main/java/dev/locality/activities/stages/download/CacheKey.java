package dev.locality.activities.stages.download;

import dev.locality.activities.stages.internal.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * The key of a {@link DownloadCache} entry: the expected SHA-256 when the spec gives one (the same
 * bytes whatever URL serves them), else the source's scheme and URL as written plus its validator
 * (strong ETag or Last-Modified over http(s), version id or ETag on S3, see {@link
 * SourceVersions}). A source without a validator and without a SHA-256 has no key: it is never
 * cached, since nothing could tell a changed file from the cached one. Keys live only in the
 * worker's memory (they may hold a URL's query string); entry files have random names. Stateless.
 */
final class CacheKey {
  private CacheKey() {}

  /**
   * @param validator the source's current validator, or null
   * @param sha256 the expected SHA-256 (hex), or null
   * @return the key, or null when the download cannot be cached
   */
  static String of(SourceUrl source, String validator, String sha256) {
    if (sha256 != null) return "sha256 " + sha256.toLowerCase(Locale.ROOT);
    if (validator == null) return null;
    return source.kind() + " " + source.uri() + " " + validator;
  }

  /**
   * What a worker tells others about a URL it may hold (the pipeline workflow's locality hint): the
   * SHA-256 of the URL as written, so no URL (nor its query string) leaves the worker.
   */
  static String urlHash(String url) {
    MessageDigest digest = Sha256.newDigest();
    digest.update(url.getBytes(StandardCharsets.UTF_8));
    return Sha256.hex(digest);
  }
}
