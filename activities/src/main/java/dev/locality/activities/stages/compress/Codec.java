package dev.locality.activities.stages.compress;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdOutputStream;
import dev.locality.activities.stages.internal.Buffers;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.UnsupportedOptionsException;
import org.tukaani.xz.XZOutputStream;

/**
 * A stream compression of the {@code compress} stage with its level range and default: what the
 * {@code level} option means for a format. Immutable and thread-safe; the streams it opens are not.
 *
 * <p>Every codec writes a reproducible stream: the same bytes and level give the same output (gzip
 * headers carry no file name and modification time 0).
 */
enum Codec {
  /** No compression (plain {@code tar}); has no levels. */
  NONE(0, 0, 0),
  /** gzip via Deflate; levels as {@code gzip -1} .. {@code -9}. */
  GZIP(1, 9, 6),
  /** Zstandard with a content checksum, as the {@code zstd} tool writes by default. */
  ZSTD(1, 19, 3),
  /** bzip2; the level is the block size in 100 kB units, as {@code bzip2 -1} .. {@code -9}. */
  BZIP2(1, 9, 9),
  /**
   * xz (LZMA2 presets, as {@code xz -0} .. {@code -9}). Memory per stream grows with the level:
   * about 94 MiB at 6 and 674 MiB at 9.
   */
  XZ(0, 9, 6),
  /** Deflate inside zip entries; 0 stores without compressing. */
  DEFLATE(0, 9, 6);

  final int minLevel;
  final int maxLevel;
  final int defaultLevel;

  Codec(int minLevel, int maxLevel, int defaultLevel) {
    this.minLevel = minLevel;
    this.maxLevel = maxLevel;
    this.defaultLevel = defaultLevel;
  }

  boolean hasLevels() {
    return this != NONE;
  }

  /**
   * Wraps {@code out} (for {@link #NONE} and {@link #DEFLATE}: returns it unchanged); closing the
   * result finishes the compressed stream and closes {@code out}.
   *
   * @param zstdWorkers background threads zstd compresses with; 0 compresses on the caller's
   */
  OutputStream wrap(OutputStream out, int level, int zstdWorkers) throws IOException {
    switch (this) {
      case GZIP:
        {
          GzipParameters parameters = new GzipParameters();
          parameters.setCompressionLevel(level);
          parameters.setModificationTime(0);
          parameters.setBufferSize(Buffers.SIZE);
          return new GzipCompressorOutputStream(out, parameters);
        }
      case ZSTD:
        {
          ZstdOutputStream zstd = new ZstdOutputStream(out, RecyclingBufferPool.INSTANCE);
          zstd.setLevel(level);
          zstd.setChecksum(true);
          if (zstdWorkers > 0) zstd.setWorkers(zstdWorkers);
          return zstd;
        }
      case BZIP2:
        return new BZip2CompressorOutputStream(out, level);
      case XZ:
        try {
          return new XZOutputStream(out, new LZMA2Options(level));
        } catch (UnsupportedOptionsException e) {
          throw new IllegalArgumentException("xz level " + level + ": " + e.getMessage(), e);
        }
      default:
        return out;
    }
  }
}
