package dev.locality.activities.stages.s3;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The multipart uploads one pipeline's stage created and has not yet completed or aborted: the only
 * uploads {@link S3Uploader} ever aborts as stale. S3's {@code ListMultipartUploads} returns no
 * object metadata or tags, so an upload cannot be recognised as ours on the store; the uploader
 * therefore writes each upload id here right after {@code CreateMultipartUpload} and removes it
 * once the upload is completed or aborted.
 *
 * <p>The record is a file ({@value #FILE_NAME}) in the stage attempt's resume directory ({@link
 * dev.locality.stage.StageContext#resumeDir()}), which the framework hands to the next attempt of
 * the same stage of the same pipeline (workflow id) on the same worker after a transient failure.
 * Each line names the workflow id, bucket, key and upload id (URL-encoded); lines of another
 * workflow id are ignored. So a retried attempt aborts exactly what its earlier attempts left
 * (their own abort failed, or they were stuck), and never another pipeline's upload of the same
 * key.
 *
 * <p><b>Not covered, left to a bucket lifecycle rule</b> ({@code AbortIncompleteMultipartUpload}):
 * uploads of a worker that died or was cut off (the pipeline fails over to a new session on another
 * worker, whose record starts empty), of an attempt still running when the next one started (its
 * resume directory is not handed over), of an attempt that failed with bad input or succeeded while
 * an abort of an earlier upload kept failing (the resume directory is deleted), and an upload whose
 * {@code CreateMultipartUpload} answer was lost. Such a leftover costs storage only: it never
 * becomes an object, and a cut-off worker cannot complete it because every completion is preceded
 * by the session fence check.
 *
 * <p>Thread-safe; the file is replaced atomically on every change.
 */
public final class MultipartUploadRecord {
  /** The record's file name in the resume directory. */
  public static final String FILE_NAME = "s3-multipart-uploads";

  /** One multipart upload. */
  public record Entry(S3Location target, String uploadId) {}

  private final Path file;
  private final String workflowId;
  private final Set<Entry> entries = new LinkedHashSet<>();

  private MultipartUploadRecord(Path file, String workflowId) {
    this.file = file;
    this.workflowId = workflowId;
  }

  /** A record kept in memory only (for uploads outside a stage, and tests). */
  public static MultipartUploadRecord inMemory() {
    return new MultipartUploadRecord(null, "");
  }

  /**
   * Opens the record in {@code resumeDir}, reading what earlier attempts of {@code workflowId}'s
   * stage left there (nothing when the file is missing).
   */
  public static MultipartUploadRecord open(Path resumeDir, String workflowId) throws IOException {
    MultipartUploadRecord record =
        new MultipartUploadRecord(resumeDir.resolve(FILE_NAME), workflowId);
    List<String> lines;
    try {
      lines = Files.readAllLines(record.file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return record;
    }
    for (String line : lines) {
      String[] f = line.split(" ", -1);
      try {
        if (f.length != 4 || !decode(f[0]).equals(workflowId)) continue;
        record.entries.add(new Entry(new S3Location(decode(f[1]), decode(f[2])), decode(f[3])));
      } catch (IllegalArgumentException malformed) {
        // not a line this class wrote: ignored
      }
    }
    return record;
  }

  /** The uploads recorded now, oldest first. */
  public synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }

  /** Records an upload just created; written to the file before this returns. */
  public synchronized void add(Entry entry) throws IOException {
    if (entries.add(entry)) write();
  }

  /** Forgets an upload that was completed or aborted (or is gone). */
  public synchronized void remove(Entry entry) throws IOException {
    if (entries.remove(entry)) write();
  }

  private void write() throws IOException {
    if (file == null) return;
    List<String> lines = new ArrayList<>();
    for (Entry e : entries) {
      lines.add(
          encode(workflowId)
              + " "
              + encode(e.target().bucket())
              + " "
              + encode(e.target().key())
              + " "
              + encode(e.uploadId()));
    }
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
    Files.write(tmp, lines, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
