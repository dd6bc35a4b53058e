package dev.locality.activities.stages.download;

/**
 * One file a download fetches: its URL, the name (a relative path) it gets in the output directory
 * before {@link DownloadNames} makes names unique, and its size when a listing told it (else -1).
 * Immutable.
 *
 * @param identity the source's full location without scheme ({@code bucket/key}, {@code host/path},
 *     {@code /path}): the name used when two sources would get the same name
 * @param version what a listing told of the source's version (an S3 ETag), or null
 */
record MatchedSource(SourceUrl url, String name, String identity, long size, String version) {
  MatchedSource(SourceUrl url, String name, String identity, long size) {
    this(url, name, identity, size, null);
  }

  /** A URL named as written: its last path segment. */
  static MatchedSource of(SourceUrl url) {
    String identity;
    if (url.kind() == SourceUrl.Kind.FILE) {
      identity = url.localPath().toString();
    } else if (url.kind() == SourceUrl.Kind.S3) {
      identity = url.s3Location().bucket() + "/" + url.s3Location().key();
    } else {
      identity = url.uri().getHost() + (url.uri().getPath() == null ? "" : url.uri().getPath());
    }
    return new MatchedSource(url, url.fileName(), identity, -1);
  }
}
