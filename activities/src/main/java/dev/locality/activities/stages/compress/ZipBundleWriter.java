package dev.locality.activities.stages.compress;

import dev.locality.activities.stages.internal.StreamCopy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.LongConsumer;
import java.util.zip.ZipEntry;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipUtil;

/**
 * A {@link BundleWriter} for zip, streaming (entries followed by data descriptors; zip64 where an
 * entry or the archive needs it), entries deflated at the given level and named in UTF-8. The DOS
 * time of every entry is the constant for {@link #ENTRY_TIME}, whatever the time zone. Not
 * thread-safe.
 */
final class ZipBundleWriter implements BundleWriter {
  /** 1980-01-01 00:00:00 in MS-DOS date/time format. */
  private static final long DOS_ENTRY_TIME = (1L << 21) | (1L << 16);

  private final ZipArchiveOutputStream zip;

  ZipBundleWriter(OutputStream out, int level) {
    zip = new ZipArchiveOutputStream(out);
    zip.setEncoding("UTF-8");
    zip.setUseZip64(Zip64Mode.AsNeeded);
    zip.setLevel(level);
  }

  @Override
  public void add(String name, long size, InputStream data, LongConsumer progress)
      throws IOException {
    ZipArchiveEntry entry = new ZipArchiveEntry(name);
    entry.setMethod(ZipEntry.DEFLATED);
    entry.setSize(size);
    // the local time that converts back to DOS_ENTRY_TIME in this JVM's zone
    entry.setTime(ZipUtil.dosToJavaTime(DOS_ENTRY_TIME));
    entry.setUnixMode(0100000 | ENTRY_MODE); // a regular file
    zip.putArchiveEntry(entry);
    long copied = StreamCopy.copy(data, zip, null, progress);
    if (copied != size)
      throw new IOException(
          "entry '" + name + "' changed size while it was archived: " + copied + " of " + size);
    zip.closeArchiveEntry();
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }
}
