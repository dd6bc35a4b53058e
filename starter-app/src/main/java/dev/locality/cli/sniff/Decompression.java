package dev.locality.cli.sniff;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/**
 * Recognises gzip, zstd, bzip2 and xz from the first bytes (never from a name) and inflates on the
 * fly, as the {@code decompress} stage's {@code format: auto} does.
 */
final class Decompression {
  private static final Map<String, String> NAMES =
      Map.of(
          CompressorStreamFactory.GZIP, "gzip",
          CompressorStreamFactory.ZSTANDARD, "zstd",
          CompressorStreamFactory.BZIP2, "bzip2",
          CompressorStreamFactory.XZ, "xz");

  /**
   * @param compression gzip, zstd, bzip2, xz, or null for none
   */
  record Opened(InputStream data, String compression) {}

  private Decompression() {}

  static Opened open(InputStream raw) throws IOException {
    InputStream in = new BufferedInputStream(raw, 64 * 1024);
    String detected;
    try {
      detected = CompressorStreamFactory.detect(in);
    } catch (CompressorException e) {
      return new Opened(in, null); // not a compressed stream we know: read as is
    }
    String name = NAMES.get(detected);
    if (name == null) return new Opened(in, null);
    try {
      return new Opened(
          new CompressorStreamFactory(true).createCompressorInputStream(detected, in, true), name);
    } catch (CompressorException e) {
      throw new IOException("cannot read the " + name + " data: " + e.getMessage(), e);
    }
  }
}
