package dev.locality.activities.stages.decompress;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Wraps the raw input file: counts the bytes read (compressed progress) and marks I/O errors of the
 * file itself as {@link ReadFailure}, so they are told apart from corrupt data found by a
 * decompressor above it. Not thread-safe.
 */
final class SourceStream extends FilterInputStream {
  private long count;

  SourceStream(InputStream in) {
    super(in);
  }

  /** An I/O error reading the input file (transient), not corrupt content. */
  static final class ReadFailure extends IOException {
    ReadFailure(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  long count() {
    return count;
  }

  @Override
  public int read() throws IOException {
    int b;
    try {
      b = super.read();
    } catch (IOException e) {
      throw new ReadFailure(e);
    }
    if (b >= 0) count++;
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n;
    try {
      n = super.read(buffer, offset, length);
    } catch (IOException e) {
      throw new ReadFailure(e);
    }
    if (n > 0) count += n;
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped;
    try {
      skipped = super.skip(n);
    } catch (IOException e) {
      throw new ReadFailure(e);
    }
    count += skipped;
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** The transient read failure in {@code e}'s cause chain, if any. */
  static IOException readFailureIn(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ReadFailure failure) return (IOException) failure.getCause();
    }
    return null;
  }
}
