package dev.locality.activities.stages.compress;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.function.LongConsumer;

/**
 * Writes one archive of files, streaming each file's bytes into its entry. Entries carry only what
 * makes the archive reproducible: their relative name, size, mode {@code 0644} and the fixed time
 * {@link #ENTRY_TIME}; no owner, no absolute path, no directory entries. The same files in the same
 * order give the same bytes. Not thread-safe.
 */
interface BundleWriter extends Closeable {
  /**
   * The modification time of every entry: 1980-01-01T00:00:00Z, the earliest a zip entry can hold,
   * so tar and zip agree and no tool warns of a time before 1970 or in the future.
   */
  FileTime ENTRY_TIME = FileTime.from(Instant.parse("1980-01-01T00:00:00Z"));

  /** Permissions of every entry: {@code rw-r--r--}. */
  int ENTRY_MODE = 0644;

  /**
   * Adds entry {@code name} holding {@code size} bytes read from {@code data}.
   *
   * @param progress called with the bytes of this entry copied so far, after every buffer
   */
  void add(String name, long size, InputStream data, LongConsumer progress) throws IOException;

  /** Writes the archive's end (and the compressed stream's) and closes the output. */
  @Override
  void close() throws IOException;
}
