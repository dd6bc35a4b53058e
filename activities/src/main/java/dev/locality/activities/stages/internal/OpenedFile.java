package dev.locality.activities.stages.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A file opened for reading by {@link FileContainment} or {@link ContainedDirectory}, with the
 * attributes of what was opened (read without following a symbolic link, and checked to be the file
 * that was checked). Closing it closes the channel. Not thread-safe.
 */
public record OpenedFile(SeekableByteChannel channel, BasicFileAttributes attributes)
    implements Closeable {
  /** The file's size when it is a regular file, else -1 (a device or pipe has none). */
  public long sizeIfKnown() {
    return attributes.isRegularFile() ? attributes.size() : -1;
  }

  /** A stream over the channel; closing it closes the channel. */
  public InputStream inputStream() {
    return Channels.newInputStream(channel);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
