package dev.locality.activities.checkpoint;

import dev.locality.activities.stages.internal.AllowedFileRoots;
import dev.locality.activities.stages.s3.S3Clients;
import dev.locality.api.workflow.Failures;
import dev.locality.stage.runtime.WorkerSettingValues;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Opens the store a checkpoint URL names: {@code s3://bucket/prefix/} with the worker's S3 client
 * settings ({@code s3Endpoint}, {@code s3PathStyle}, ...; credentials from the worker's
 * environment), or {@code file:///dir/} when the directory lies inside the worker's {@code
 * allowedUploadRoots}. Thread-safe; owns the S3 clients it built.
 */
public final class CheckpointStores implements AutoCloseable {
  private final S3Clients clients = new S3Clients();
  private final WorkerSettingValues settings;
  private final AllowedFileRoots fileRoots;

  /**
   * @param settings the worker's settings (the S3 client's, and the roots file stores may use)
   */
  public CheckpointStores(WorkerSettingValues settings) {
    this.settings = settings;
    this.fileRoots = AllowedFileRoots.of(settings.get(AllowedFileRoots.UPLOAD_SETTING));
  }

  /**
   * @throws ApplicationFailure non-retryable {@link Failures#BAD_INPUT} for a URL that is not a
   *     store this worker may use
   */
  public CheckpointStore open(String url) {
    URI uri = URI.create(url);
    String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
    if (scheme.equals("s3")) {
      String path = uri.getPath() == null ? "" : uri.getPath();
      String prefix = path.startsWith("/") ? path.substring(1) : path;
      if (!prefix.isEmpty() && !prefix.endsWith("/")) prefix = prefix + "/";
      return new S3CheckpointStore(clients.client(settings), uri.getHost(), prefix);
    }
    if (scheme.equals("file")) {
      Path dir = Path.of(uri.getPath());
      if (!fileRoots.allows(dir)) {
        throw ApplicationFailure.newNonRetryableFailure(
            "checkpoint store " + url + " is outside the worker's allowedUploadRoots " + fileRoots,
            Failures.BAD_INPUT);
      }
      return new FileCheckpointStore(dir);
    }
    throw ApplicationFailure.newNonRetryableFailure(
        "checkpoint store " + url + " is not s3:// or file://", Failures.BAD_INPUT);
  }

  @Override
  public void close() {
    clients.close();
  }
}
