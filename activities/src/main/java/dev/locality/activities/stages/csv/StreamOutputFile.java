package dev.locality.activities.stages.csv;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * A Parquet {@link OutputFile} over a stream that is already open: parquet-java writes a file front
 * to back (it never seeks), so the stage's {@code createOutput} stream, which records the file's
 * size and SHA-256 as it is written, can take it. {@link #create} may be called once. Not
 * thread-safe.
 */
final class StreamOutputFile implements OutputFile {
  private final OutputStream out;
  private final String name;
  private boolean created;

  StreamOutputFile(OutputStream out, String name) {
    this.out = out;
    this.name = name;
  }

  @Override
  public PositionOutputStream create(long blockSizeHint) throws IOException {
    if (created) throw new IOException(name + " is already being written");
    created = true;
    return new PositionOutputStream() {
      private long position;

      @Override
      public long getPos() {
        return position;
      }

      @Override
      public void write(int b) throws IOException {
        out.write(b);
        position++;
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        position += len;
      }

      @Override
      public void flush() throws IOException {
        out.flush();
      }

      @Override
      public void close() throws IOException {
        out.close();
      }
    };
  }

  @Override
  public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
    return create(blockSizeHint);
  }

  @Override
  public boolean supportsBlockSize() {
    return false;
  }

  @Override
  public long defaultBlockSize() {
    return 0;
  }

  @Override
  public String getPath() {
    return name;
  }
}
