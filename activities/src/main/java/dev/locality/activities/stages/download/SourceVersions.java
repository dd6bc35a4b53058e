package dev.locality.activities.stages.download;

import dev.locality.activities.stages.internal.FileContainment;
import dev.locality.activities.stages.internal.Sha256;
import dev.locality.activities.stages.s3.S3Failures;
import dev.locality.stage.BadInputException;
import dev.locality.stage.Progress;
import dev.locality.stage.StageContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The version of a download's sources for incremental runs ({@code ifChanged: true}): one line per
 * source, {@code <identity> <validator>}, sorted, and their SHA-256 (the stage's {@code
 * sourceVersion}). The validator is, per scheme: S3, the object's version id when the bucket is
 * versioned, else its ETag (a glob's listing gives the ETag without another request); http(s), the
 * strong ETag, else the Last-Modified date ({@link HttpFetcher#version}); {@code file:}, the size
 * and modification time (after the containment check). A source without any validator (an http
 * server that sends neither) makes the version null: nothing can be compared and the stage always
 * downloads. The sources are probed before anything is downloaded: a source that changes between
 * probe and download is downloaded in its new state and recorded with the probed version, so the
 * next run downloads again (never the other way round). Stateless.
 */
final class SourceVersions {
  private SourceVersions() {}

  /** The version of all {@code sources}, or null when one of them has no validator. */
  static String of(
      List<MatchedSource> sources,
      StageContext context,
      Supplier<S3Client> s3,
      Supplier<HttpFetcher> http)
      throws IOException, InterruptedException {
    List<String> lines = new ArrayList<>();
    for (MatchedSource source : sources) {
      context.heartbeat(Progress.bytes(0, -1));
      String validator =
          source.version() != null ? source.version() : validator(source.url(), context, s3, http);
      if (validator == null) return null;
      lines.add(source.url().kind() + " " + source.identity() + " " + validator);
    }
    lines.sort(null);
    MessageDigest digest = Sha256.newDigest();
    for (String line : lines) digest.update((line + "\n").getBytes(StandardCharsets.UTF_8));
    return Sha256.hex(digest);
  }

  static String validator(
      SourceUrl url, StageContext context, Supplier<S3Client> s3, Supplier<HttpFetcher> http)
      throws IOException, InterruptedException {
    return validator(url, context, s3, http, false);
  }

  /**
   * The validator of one source, as the version uses it; over http(s) asked with a HEAD request
   * when {@code byHead} (the download cache's revalidation, which must not make the origin send the
   * body).
   */
  static String validator(
      SourceUrl url,
      StageContext context,
      Supplier<S3Client> s3,
      Supplier<HttpFetcher> http,
      boolean byHead)
      throws IOException, InterruptedException {
    switch (url.kind()) {
      case S3 -> {
        var location = url.s3Location();
        HeadObjectResponse head;
        try {
          head = s3.get().headObject(b -> b.bucket(location.bucket()).key(location.key()));
        } catch (SdkException e) {
          throw S3Failures.badInputOr(e, "reading", location);
        }
        if (head.versionId() != null && !head.versionId().equals("null")) {
          return "VersionId: " + head.versionId();
        }
        return head.eTag() == null ? null : "ETag: " + head.eTag();
      }
      case FILE -> {
        Path path = url.localPath();
        String what = "file " + path + " (from url " + url + ")";
        Path real = FileContainment.forReads(context).check(path, what);
        try {
          BasicFileAttributes a =
              Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          return "size " + a.size() + ", modified " + a.lastModifiedTime().toMillis();
        } catch (NoSuchFileException e) {
          throw new BadInputException("file not found: " + path + " (from url " + url + ")", e);
        }
      }
      default -> {
        Runnable heartbeat = () -> context.heartbeat(Progress.bytes(0, -1));
        return byHead
            ? http.get().versionByHead(url.uri(), heartbeat)
            : http.get().version(url.uri(), heartbeat);
      }
    }
  }
}
