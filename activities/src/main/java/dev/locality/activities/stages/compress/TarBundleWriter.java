package dev.locality.activities.stages.compress;

import dev.locality.activities.stages.internal.StreamCopy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.LongConsumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A {@link BundleWriter} for tar (POSIX/pax for names over 100 bytes and files over 8 GiB), written
 * into an already compressing stream. Owner ids 0, owner names empty. Not thread-safe.
 */
final class TarBundleWriter implements BundleWriter {
  private final TarArchiveOutputStream tar;

  TarBundleWriter(OutputStream out) {
    tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
  }

  @Override
  public void add(String name, long size, InputStream data, LongConsumer progress)
      throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name, true);
    entry.setSize(size);
    entry.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~0777 | ENTRY_MODE);
    entry.setModTime(ENTRY_TIME);
    entry.setIds(0, 0);
    entry.setNames("", "");
    tar.putArchiveEntry(entry);
    long copied = StreamCopy.copy(data, tar, null, progress);
    if (copied != size)
      throw new IOException(
          "entry '" + name + "' changed size while it was archived: " + copied + " of " + size);
    tar.closeArchiveEntry();
  }

  @Override
  public void close() throws IOException {
    tar.close();
  }
}
