package dev.locality.activities.stages.csv;

import com.github.luben.zstd.Zstd;
import io.airlift.compress.snappy.SnappyCompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Page compressors for {@link ParquetRowWriter}, without Hadoop: parquet-java's own {@code
 * CodecFactory} loads Hadoop's codec classes, so the writer is given this factory instead. ZSTD by
 * zstd-jni (level 3, as parquet-java's default), SNAPPY by aircompressor's pure-Java port (no
 * native library to extract), GZIP by the JDK's {@link GZIPOutputStream}. Write only: {@link
 * #getDecompressor} is unsupported. Thread-safe (compressors keep no state between pages).
 */
final class ParquetCodecs implements CompressionCodecFactory {
  /** zstd level, parquet-java's default. */
  static final int ZSTD_LEVEL = 3;

  static final ParquetCodecs INSTANCE = new ParquetCodecs();

  /** The Parquet codec of an {@code output.codec} value. */
  static CompressionCodecName codecName(ParquetCodec codec) {
    return switch (codec) {
      case ZSTD -> CompressionCodecName.ZSTD;
      case SNAPPY -> CompressionCodecName.SNAPPY;
      case GZIP -> CompressionCodecName.GZIP;
      case NONE -> CompressionCodecName.UNCOMPRESSED;
    };
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName name) {
    return new BytesInputCompressor() {
      @Override
      public BytesInput compress(BytesInput page) throws IOException {
        byte[] raw = page.toByteArray();
        return switch (name) {
          case UNCOMPRESSED -> BytesInput.from(raw);
          case ZSTD -> BytesInput.from(Zstd.compress(raw, ZSTD_LEVEL));
          case SNAPPY -> BytesInput.from(snappy(raw));
          case GZIP -> BytesInput.from(gzip(raw));
          default -> throw new IllegalArgumentException("unsupported codec " + name);
        };
      }

      @Override
      public CompressionCodecName getCodecName() {
        return name;
      }

      @Override
      public void release() {}
    };
  }

  private static byte[] snappy(byte[] raw) {
    SnappyCompressor compressor = new SnappyCompressor();
    byte[] out = new byte[compressor.maxCompressedLength(raw.length)];
    int length = compressor.compress(raw, 0, raw.length, out, 0, out.length);
    return java.util.Arrays.copyOf(out, length);
  }

  private static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length / 4 + 64);
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(raw);
    }
    return bytes.toByteArray();
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName name) {
    throw new UnsupportedOperationException("write only");
  }

  @Override
  public void release() {}
}
