package dev.locality.activities.stages.csv;

import dev.locality.activities.stages.internal.Buffers;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

/** The {@code outputCompression} option of {@code transform-csv}: how output files are written. */
public enum OutputCompression {
  NONE("none", ""),
  GZIP("gzip", ".gz"),
  ZSTD("zstd", ".zst");

  public final String optionValue;

  /** Appended to the output file's name. */
  public final String suffix;

  OutputCompression(String optionValue, String suffix) {
    this.optionValue = optionValue;
    this.suffix = suffix;
  }

  public static OutputCompression fromOption(String value) {
    for (OutputCompression c : values()) if (c.optionValue.equals(value)) return c;
    throw new IllegalArgumentException("unknown outputCompression '" + value + "'");
  }

  /** Wraps the output file's stream; closing the result finishes the compressed stream. */
  public OutputStream wrap(OutputStream file) throws IOException {
    switch (this) {
      case GZIP:
        return new GZIPOutputStream(file, Buffers.SIZE);
      case ZSTD:
        return new ZstdCompressorOutputStream(file, 3);
      default:
        return file;
    }
  }
}
