package dev.locality.activities.stages.download;

import dev.locality.activities.stages.internal.Sha256;
import dev.locality.stage.StageContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * The file a download is written to while it runs, kept where a retried attempt on the same worker
 * finds it: {@code <resume dir>/<hash of url>.part} in the attempt's {@link
 * StageContext#resumeDir() resume directory}, next to a {@code .meta} file with the URL's SHA-256
 * (never the URL: it may hold credentials or a signature) and the server's validators (ETag,
 * Last-Modified). The worker hands an ended attempt's resume directory to the next attempt of the
 * stage, never one still running, so two attempts never write the same partial file.
 *
 * <p>A transient failure keeps both files, so the next attempt resumes with a range request; bad
 * input discards them; success moves the data into the output directory. The session's directory
 * (and with it any leftover) is deleted when the session closes. Not thread-safe: one per attempt.
 */
public final class PartialDownload {
  private static final String URL = "urlSha256";
  private static final String ETAG = "etag";
  private static final String LAST_MODIFIED = "lastModified";

  private final String urlHash;
  private final Path data;
  private final Path meta;
  private Properties validators = new Properties();

  private PartialDownload(String urlHash, Path data, Path meta) {
    this.urlHash = urlHash;
    this.data = data;
    this.meta = meta;
  }

  /** The partial file of {@code url} for this stage of the session. */
  public static PartialDownload of(StageContext context, String url) throws IOException {
    Path dir = Files.createDirectories(context.resumeDir());
    var digest = Sha256.newDigest();
    digest.update(url.getBytes(StandardCharsets.UTF_8));
    String urlHash = Sha256.hex(digest);
    String name = urlHash.substring(0, 16);
    return new PartialDownload(urlHash, dir.resolve(name + ".part"), dir.resolve(name + ".meta"));
  }

  /**
   * How many bytes a previous attempt left that this attempt may resume from: the size of the
   * partial file when its metadata is for the same URL and holds a validator; otherwise 0 after
   * discarding whatever is there.
   *
   * @param allowed false on a first attempt: anything found then is stale and discarded
   */
  long resumable(boolean allowed) throws IOException {
    if (allowed && Files.isRegularFile(data) && Files.isRegularFile(meta)) {
      Properties saved = new Properties();
      try (InputStream in = Files.newInputStream(meta)) {
        saved.load(in);
      } catch (IOException | IllegalArgumentException e) {
        saved.clear();
      }
      if (urlHash.equals(saved.getProperty(URL))
          && (saved.getProperty(ETAG) != null || saved.getProperty(LAST_MODIFIED) != null)) {
        validators = saved;
        return Files.size(data);
      }
    }
    discard();
    return 0;
  }

  /** The strong ETag the resumable bytes came with, if any. */
  Optional<String> etag() {
    return Optional.ofNullable(validators.getProperty(ETAG));
  }

  /** The Last-Modified date the resumable bytes came with, if any. */
  Optional<String> lastModified() {
    return Optional.ofNullable(validators.getProperty(LAST_MODIFIED));
  }

  /**
   * Records the validators of the response whose bytes are written from now on; without any the
   * bytes cannot be resumed later and no metadata is kept.
   */
  public void recordValidators(String etag, String lastModified) throws IOException {
    Properties p = new Properties();
    p.setProperty(URL, urlHash);
    if (etag != null) p.setProperty(ETAG, etag);
    if (lastModified != null) p.setProperty(LAST_MODIFIED, lastModified);
    validators = p;
    if (etag == null && lastModified == null) {
      Files.deleteIfExists(meta);
      return;
    }
    Path temp = meta.resolveSibling(meta.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(temp)) {
      p.store(out, "locality partial download");
    }
    Files.move(temp, meta, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The file the bytes are written to. */
  public Path data() {
    return data;
  }

  /** Moves the finished download to {@code target} and forgets the metadata. */
  void completeTo(Path target) throws IOException {
    Files.move(data, target, StandardCopyOption.ATOMIC_MOVE);
    Files.deleteIfExists(meta);
  }

  /** Deletes the partial data and metadata (bad input, a changed source, a first attempt). */
  void discard() throws IOException {
    Files.deleteIfExists(data);
    Files.deleteIfExists(meta);
  }

  /** {@link #discard()} for a failure path: problems are attached to {@code failure}. */
  void discardQuietly(Throwable failure) {
    try {
      discard();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
